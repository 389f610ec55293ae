/* SPDX-License-Identifier: MIT */
/*
 * gpu_evil.c - a malicious client's attacks on the GPU from its own context
 * (gpu_evil.h). Each is the best a client can do: raw commands past libgfx's
 * checks, and its own register page written directly (it holds the mapping:
 * its uio node's "ctx" map).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "gpu_evil.h"

#define SEC 1000000000LL

static char result[200];

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * A raw SET_SURFACE at offset and a fill of a pixel of it: the device must
 * refuse the surface in our context (an error of ours; libgfx skips it), and
 * the fill then lands in our own last surface or fails too. True if at least
 * the surface was refused and the fence passed after.
 */
static bool refused(struct gfx_device *dev, uint32_t offset, uint32_t w, uint32_t h)
{
	uint32_t cmd[10] = { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), offset, w, h, w * 4, GFX_FMT_XRGB8888,
			     GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xffff00ff, 0, GFX_PACK(1, 1) };
	uint64_t seq;
	int r, errors = 0;

	if (gfx_emit_raw(dev, cmd, 10) < 0 || gfx_fence(dev, true, &seq) < 0)
		return false;
	while ((r = gfx_fence_wait(dev, seq, 5 * SEC)) == -EIO && errors < 4)
		errors++;	/* each bad command is one -EIO; waiting again goes on */
	return r == 0 && errors >= 1;
}

static const char *addresses(struct gfx_device *dev, const char *mode)
{
	struct gfx_info i;
	uint32_t targets[3], n = 0, ok = 0;

	gfx_get_info(dev, &i);
	if (!strcmp(mode, "other-window")) {	/* the neighbours' windows, below and above ours */
		targets[n++] = i.window_offset - 4096 * 16;
		if ((uint64_t)i.window_offset + i.window_size < i.vram_size)
			targets[n++] = i.window_offset + i.window_size;
	} else if (!strcmp(mode, "master-memory")) {
		targets[n++] = GFX_VRAM_START;
		targets[n++] = 0x100000;
		targets[n++] = 0;	/* the register area */
	} else {	/* beyond-vram */
		targets[n++] = (uint32_t)i.vram_size;
		targets[n++] = (uint32_t)i.vram_size - 4096;
		targets[n++] = 0xfffff000u;
	}
	for (uint32_t k = 0; k < n; k++)
		ok += refused(dev, targets[k], 64, 64);
	snprintf(result, sizeof(result), "refused %u of %u", ok, n);
	return result;
}

/* Map `index` (one page) of the uio node libgfx holds; NULL if not on uio. */
static volatile uint8_t *own_map(unsigned int index)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	void *p = MAP_FAILED;

	while (d && p == MAP_FAILED && (e = readdir(d))) {
		char link[300], target[64];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (!strncmp(target, "/dev/uio", 8))
			p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, atoi(e->d_name),
				 4096 * index);
	}
	if (d)
		closedir(d);
	return p == MAP_FAILED ? NULL : p;
}

/* Our register page: the "ctx" map (index 1). */
static volatile uint8_t *own_page(void)
{
	return own_map(1);
}

/* The ring moved into the master's memory: BAD_RING, and the device never fetches there. */
static const char *ring_outside(struct gfx_device *dev)
{
	volatile uint8_t *page = own_page();
	uint32_t errors;
	struct gfx_info i;

	if (!page)
		return "no register page mapping (not on uio?)";
	errors = *(volatile uint32_t *)(page + GFX_REG_ERROR_COUNT);
	*(volatile uint32_t *)(page + GFX_REG_RING_BASE) = GFX_VRAM_START;
	__atomic_fetch_or((uint32_t *)(page + GFX_REG_CONTROL), GFX_CTRL_RESET, __ATOMIC_SEQ_CST);
	gfx_submit(dev);
	gfx_emit_raw(dev, (uint32_t[]){ GFX_CMD(GFX_OP_NOP, 0, 1) }, 1);
	gfx_submit(dev);	/* the doorbell */
	for (int k = 0; k < 200 && *(volatile uint32_t *)(page + GFX_REG_ERROR_COUNT) == errors; k++)
		usleep(10000);
	gfx_get_info(dev, &i);
	snprintf(result, sizeof(result), "error code %u (%s)", *(volatile uint32_t *)(page + GFX_REG_ERROR_CODE),
		 i.error_count > errors ? "counted in its own context" : "no error");
	return result;
}

/* Huge bilinear blits as fast as the GPU takes them. */
static const char *flood(struct gfx_device *dev, double seconds)
{
	struct gfx_info i;
	struct gfx_bo *src, *dst;
	uint64_t seq, prev = 0, blits = 0;
	double end = now_s() + seconds;
	uint32_t w = 1024, h;

	gfx_get_info(dev, &i);
	h = (i.window_size / 2) / (w * 4);
	if (gfx_bo_create(dev, 16, 16, GFX_FMT_ARGB8888, &src) < 0 ||
	    gfx_bo_create(dev, w, h, GFX_FMT_XRGB8888, &dst) < 0)
		return gfx_last_error(dev);
	gfx_set_src(dev, src);
	gfx_set_dst(dev, dst);
	while (now_s() < end) {
		for (int k = 0; k < 4; k++, blits++)
			gfx_stretch(dev, 0, 0, 16 << 16, 16 << 16, &(struct gfx_rect){ 0, 0, w, h },
				    GFX_BILINEAR, GFX_OVER, 200);
		gfx_fence(dev, true, &seq);
		gfx_submit(dev);
		if (prev)
			gfx_fence_wait(dev, prev, 10 * SEC);
		prev = seq;
	}
	gfx_finish(dev, 10 * SEC);
	snprintf(result, sizeof(result), "%llu blits of %ux%u", (unsigned long long)blits, w, h);
	return result;
}

/*
 * The doorbell page (map 0) is shared by every context: ring every vector
 * of every low peer id as fast as we can. That is the device's doorbells
 * (other contexts' included: each only makes it re-read a tail) and the
 * guest's own MSI-X vectors (interrupts the master did not ask for).
 */
static const char *doorbells(double seconds)
{
	volatile uint8_t *bar0 = own_map(0);
	double end = now_s() + seconds;
	unsigned long long rings = 0;

	if (!bar0)
		return "no doorbell page mapping (not on uio?)";
	while (now_s() < end) {
		for (uint32_t peer = 0; peer < 4; peer++) {
			for (uint32_t v = 0; v < GFX_MAX_CONTEXTS; v++, rings++)
				*(volatile uint32_t *)(bar0 + IVSHMEM_REG_DOORBELL) = IVSHMEM_DOORBELL(peer, v);
		}
	}
	snprintf(result, sizeof(result), "%llu doorbells rung (peers 0-3, vectors 0-%u), own id %u", rings,
		 GFX_MAX_CONTEXTS - 1, *(volatile uint32_t *)(bar0 + IVSHMEM_REG_IV_POSITION));
	return result;
}

/* Draw into our own buffer forever: the test kills us with -9 mid-frame. */
static const char *spin(struct gfx_device *dev)
{
	struct gfx_bo *bo;
	uint64_t seq;

	if (gfx_bo_create(dev, 256, 256, GFX_FMT_XRGB8888, &bo) < 0)
		return gfx_last_error(dev);
	gfx_set_dst(dev, bo);
	printf("spinning\n");
	fflush(stdout);
	for (unsigned n = 0;; n++) {
		gfx_fill(dev, GFX_SRC, 0xff000000u | n, &(struct gfx_rect){ 0, 0, 256, 256 }, 1);
		if (n % 16 == 0 && gfx_fence(dev, false, &seq) == 0)
			gfx_submit(dev);
	}
}

const char *gpu_evil(struct gfx_device *dev, const char *mode, double seconds)
{
	if (!strcmp(mode, "other-window") || !strcmp(mode, "master-memory") || !strcmp(mode, "beyond-vram"))
		return addresses(dev, mode);
	if (!strcmp(mode, "ring-outside"))
		return ring_outside(dev);
	if (!strcmp(mode, "flood"))
		return flood(dev, seconds);
	if (!strcmp(mode, "doorbells"))
		return doorbells(seconds);
	if (!strcmp(mode, "spin"))
		return spin(dev);
	return "unknown mode";
}
