/* SPDX-License-Identifier: MIT */
/*
 * gfx-info - print the GPU's identity, formats, mode, VRAM and state.
 *
 * Usage: gfx-info [DEVICE]
 */
#include <stdio.h>

#include "gfx.h"
#include "gfx_hw.h"

static void fourcc(uint32_t f, char out[5])
{
	for (int i = 0; i < 4; i++) {
		char c = (char)(f >> (8 * i));

		out[i] = c >= 32 && c < 127 ? c : '?';
	}
	out[4] = 0;
}

int main(int argc, char **argv)
{
	static const char *const caps[] = { "bilinear", "format-convert", "flip-log" };
	static const char *const status[] = { "ring-running", "ring-error", "idle", "flip-pending" };
	struct gfx_device *dev;
	struct gfx_info info;
	uint64_t seq, t;
	char fc[5];

	if (gfx_open(argc > 1 ? argv[1] : NULL, &dev) < 0) {
		fprintf(stderr, "gfx-info: cannot open the GPU: %s\n", gfx_last_error(NULL));
		return 1;
	}
	if (gfx_get_info(dev, &info) < 0 || gfx_last_vblank(dev, &seq, &t) < 0) {
		fprintf(stderr, "gfx-info: %s\n", gfx_last_error(dev));
		gfx_close(dev);
		return 1;
	}
	printf("backend:      %s\n", info.backend);
	printf("version:      %u.%u\n", info.version >> 16, info.version & 0xffff);
	printf("caps:        ");
	for (unsigned int i = 0; i < 3; i++)
		if (info.caps & (1u << i))
			printf(" %s", caps[i]);
	printf("\nformats:     ");
	for (uint32_t i = 0; i < info.format_count; i++) {
		fourcc(info.formats[i], fc);
		printf(" %s", fc);
	}
	printf("\nmode:         %ux%u @ %u.%03u Hz\n", info.width, info.height,
	       info.refresh_mhz / 1000, info.refresh_mhz % 1000);
	printf("vram:         %llu KiB, %llu KiB free for buffers\n",
	       (unsigned long long)info.vram_size / 1024, (unsigned long long)info.vram_free / 1024);
	printf("fence done:   %llu\n", (unsigned long long)info.fence_done);
	printf("vblank:       %llu at %llu ns\n", (unsigned long long)seq, (unsigned long long)t);
	printf("errors:       %u\n", info.error_count);
	printf("resets:       %u\n", info.reset_count);
	printf("status:       0x%x", info.status);
	for (unsigned int i = 0; i < 4; i++)
		if (info.status & (1u << i))
			printf(" %s", status[i]);
	printf("\n");
	gfx_close(dev);
	return 0;
}
