/* SPDX-License-Identifier: MIT */
/*
 * gfx-hello - draw a test pattern on the GPU and show it.
 *
 * Exercises every 2D operation once: fills (SRC and OVER), a copy with
 * format conversion from an RGB565 buffer, an overlapping copy, a blend with
 * per-pixel and global alpha, and scaled blits (nearest and bilinear). Then
 * flips to the result, waits for the flip event and exits 0. Any error
 * ends it with a message and exit status 1.
 *
 * Usage: gfx-hello [--hold SECONDS] [DEVICE]   (DEVICE as for gfx_open: direct:PATH,
 *        uio, kms, ...). --hold keeps the picture up that long before exiting: on a
 *        KMS device the screen goes dark when the program that set it closes.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gfx.h"
#include "gfx_hw.h"

static struct gfx_device *dev;

#define TRY(call) do {								\
	int r_ = (call);							\
	if (r_ < 0) {								\
		fprintf(stderr, "gfx-hello: %s: %s\n", #call, gfx_last_error(dev));	\
		exit(1);							\
	}									\
} while (0)

struct flip_wait {
	bool done;
	uint64_t seq, time_ns;
};

static void on_event(struct gfx_device *d, const struct gfx_event *ev, void *data)
{
	struct flip_wait *w = data;

	if (ev->type == GFX_EVENT_FLIP_DONE && ev->user_data == 0x4e110) {
		w->done = true;
		w->seq = ev->seq;
		w->time_ns = ev->time_ns;
	} else if (ev->type == GFX_EVENT_ERROR) {
		fprintf(stderr, "gfx-hello: device error at ring offset 0x%x: %s\n",
			ev->error_offset, gfx_error_name(ev->error_code));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct gfx_bo *fb, *sprite, *tile;
	struct flip_wait wait = { 0 };
	struct gfx_info info;
	uint32_t W, H, x, y;
	unsigned int hold = 0;

	if (argc > 2 && !strcmp(argv[1], "--hold")) {
		hold = (unsigned int)atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (gfx_open(argc > 1 ? argv[1] : NULL, &dev) < 0) {
		fprintf(stderr, "gfx-hello: cannot open the GPU: %s\n", gfx_last_error(NULL));
		return 1;
	}
	TRY(gfx_get_info(dev, &info));
	W = info.width;
	H = info.height;
	TRY(gfx_bo_create(dev, W, H, GFX_FMT_XRGB8888, &fb));

	/* A 64x64 ARGB sprite with a radial alpha ramp (premultiplied), drawn by the CPU. */
	TRY(gfx_bo_create(dev, 64, 64, GFX_FMT_ARGB8888, &sprite));
	for (y = 0; y < 64; y++) {
		uint32_t *row = (uint32_t *)((uint8_t *)sprite->map + y * sprite->stride);

		for (x = 0; x < 64; x++) {
			int dx = (int)x - 32, dy = (int)y - 32, d2 = dx * dx + dy * dy;
			uint32_t a = d2 >= 32 * 32 ? 0 : 255 - (uint32_t)d2 * 255 / (32 * 32);
			uint32_t r = a * x * 4 / 255, g = a * y * 4 / 255, b = a;

			row[x] = a << 24 | (r > a ? a : r) << 16 | (g > a ? a : g) << 8 | b;
		}
	}
	/* A 32x32 RGB565 checkerboard: the copy converts it. */
	TRY(gfx_bo_create(dev, 32, 32, GFX_FMT_RGB565, &tile));
	for (y = 0; y < 32; y++) {
		uint16_t *row = (uint16_t *)((uint8_t *)tile->map + y * tile->stride);

		for (x = 0; x < 32; x++)
			row[x] = ((x / 8 + y / 8) & 1) ? 0xffe0 /* yellow */ : 0x001f /* blue */;
	}

	TRY(gfx_set_dst(dev, fb));
	/* Background and eight colour bars along the top. */
	TRY(gfx_fill(dev, GFX_SRC, 0xff202040, &(struct gfx_rect){ 0, 0, W, H }, 1));
	static const uint32_t bars[8] = { 0xffffffff, 0xffffff00, 0xff00ffff, 0xff00ff00,
					  0xffff00ff, 0xffff0000, 0xff0000ff, 0xff000000 };
	for (int i = 0; i < 8; i++) {
		struct gfx_rect r = { (int32_t)(W * i / 8), 0, W * (i + 1) / 8 - W * i / 8, H / 3 };

		TRY(gfx_fill(dev, GFX_SRC, bars[i], &r, 1));
	}
	/* A translucent white band OVER the bars. */
	TRY(gfx_fill(dev, GFX_OVER, 0x80808080, &(struct gfx_rect){ 0, (int32_t)(H / 6), W, H / 24 },
		     1));

	/* RGB565 tiles along the middle (format conversion). */
	TRY(gfx_set_src(dev, tile));
	for (x = 0; x + 32 <= W; x += 40) {
		struct gfx_copy_rect c = { 0, 0, (int32_t)x, (int32_t)(H / 3 + 8), 32, 32 };

		TRY(gfx_copy(dev, &c, 1));
	}
	/* Sprites blended at falling global alpha, then scaled up nearest and bilinear. */
	TRY(gfx_set_src(dev, sprite));
	for (int i = 0; i < 8 && (uint32_t)(i * 72 + 64) <= W; i++) {
		struct gfx_copy_rect c = { 0, 0, i * 72, (int32_t)(H / 3 + 48), 64, 64 };

		TRY(gfx_blend(dev, (uint8_t)(255 - i * 30), &c, 1));
	}
	uint32_t side = H / 3 < W / 3 ? H / 3 : W / 3;
	TRY(gfx_stretch(dev, 0, 0, 64 << 16, 64 << 16,
			&(struct gfx_rect){ 8, (int32_t)(H - side - 8), side, side },
			GFX_NEAREST, GFX_OVER, 255));
	TRY(gfx_stretch(dev, 0, 0, 64 << 16, 64 << 16,
			&(struct gfx_rect){ (int32_t)(side + 24), (int32_t)(H - side - 8), side, side },
			GFX_BILINEAR, GFX_OVER, 255));
	/* An overlapping copy inside the frame buffer: shift the bars right by 16. */
	TRY(gfx_set_src(dev, fb));
	TRY(gfx_copy(dev, &(struct gfx_copy_rect){ 0, 0, 16, 0, W - 16, H / 8 }, 1));

	TRY(gfx_flip(dev, fb, 0x4e110));
	TRY(gfx_finish(dev, 2000000000LL));

	/* Wait for the flip event, as an event loop would. */
	int64_t left_ms = 2000;
	while (!wait.done && left_ms > 0) {
		struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

		if (poll(&p, 1, 10) < 0)
			break;
		left_ms -= 10;
		TRY(gfx_dispatch(dev, on_event, &wait));
	}
	if (!wait.done) {
		fprintf(stderr, "gfx-hello: the flip did not complete within 2 s\n");
		return 1;
	}
	printf("gfx-hello: %ux%u test pattern on screen since vblank %llu (t = %llu ns)\n", W, H,
	       (unsigned long long)wait.seq, (unsigned long long)wait.time_ns);
	fflush(stdout);
	sleep(hold);
	gfx_bo_destroy(dev, tile);
	gfx_bo_destroy(dev, sprite);
	/* The device keeps scanning out fb after we leave; only our bookkeeping goes. */
	gfx_bo_destroy(dev, fb);
	gfx_close(dev);
	return 0;
}
