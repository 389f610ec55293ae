/* SPDX-License-Identifier: MIT */
/*
 * guest_cursor.c - gfx-vm-cursor SPEC: libgfx's hardware cursor
 * (gfx_cursor_set, gfx_cursor_move) on a display that has one, checked from
 * outside by tests/vm/guest_kms.sh and guest_virtio.sh in QEMU's trace of
 * virtio-gpu's cursor queue (virtio_gpu_update_cursor).
 *
 * A display without a cursor (bochs) must refuse both with EOPNOTSUPP. With
 * one: a cursor of the wrong size or format, or a hotspot outside it, is
 * refused with EINVAL; then after a first flip the cursor is shown with its
 * hotspot at (CUR_HOT_X, CUR_HOT_Y) and the hotspot put at (CUR_X, CUR_Y),
 * moved to (CUR_X2, CUR_Y2), and hidden. Between the steps it prints
 * "step NAME" and waits for a line on stdin, so the test reads the trace.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gfx.h"

#define SEC		1000000000LL
#define CUR_HOT_X	3
#define CUR_HOT_Y	4
#define CUR_X		200
#define CUR_Y		150
#define CUR_X2		300
#define CUR_Y2		250

static int step(const char *name)
{
	char line[16];

	printf("step %s\n", name);
	fflush(stdout);
	return fgets(line, sizeof(line), stdin) ? 0 : -1;
}

/* Every call must fail with want; the message names the first that did not. */
static int refused(struct gfx_device *dev, int got, int want, const char *what)
{
	if (got == want)
		return 0;
	printf("%s: %d (%s), not %s\n", what, got, gfx_last_error(dev), strerror(-want));
	return -1;
}

static int bad_input(struct gfx_device *dev, const struct gfx_info *info)
{
	struct gfx_bo *small, *xrgb, *good;
	int r;

	if (gfx_bo_create(dev, info->cursor_width / 2, info->cursor_height / 2, GFX_FMT_ARGB8888,
			  &small) < 0 ||
	    gfx_bo_create(dev, info->cursor_width, info->cursor_height, GFX_FMT_XRGB8888, &xrgb) < 0 ||
	    gfx_bo_create(dev, info->cursor_width, info->cursor_height, GFX_FMT_ARGB8888, &good) < 0)
		return -1;
	r = refused(dev, gfx_cursor_set(dev, small, 0, 0), -EINVAL, "a cursor of half the size") ?:
	    refused(dev, gfx_cursor_set(dev, xrgb, 0, 0), -EINVAL, "an XRGB8888 cursor") ?:
	    refused(dev, gfx_cursor_set(dev, good, (int32_t)info->cursor_width, 0), -EINVAL,
		    "a hotspot outside the cursor");
	gfx_bo_destroy(dev, small);
	gfx_bo_destroy(dev, xrgb);
	gfx_bo_destroy(dev, good);
	return r;
}

/* The display on: one frame flipped and shown. */
static int first_frame(struct gfx_device *dev, const struct gfx_info *info, struct gfx_bo **fb)
{
	struct gfx_rect all = { 0, 0, info->width, info->height };

	return gfx_bo_create(dev, info->width, info->height, GFX_FMT_XRGB8888, fb) ?:
	       gfx_set_dst(dev, *fb) ?: gfx_fill(dev, GFX_SRC, 0xff204060u, &all, 1) ?:
	       gfx_flip(dev, *fb, 1) ?: gfx_finish(dev, SEC) ?: gfx_wait_vblank(dev, NULL, NULL, SEC);
}

/* A white arrow-ish square with a black edge, transparent around it. */
static int draw_cursor(struct gfx_device *dev, const struct gfx_info *info, struct gfx_bo **bo)
{
	struct gfx_rect all = { 0, 0, info->cursor_width, info->cursor_height };
	struct gfx_rect edge = { 0, 0, 20, 20 }, inner = { 1, 1, 18, 18 };

	return gfx_bo_create(dev, info->cursor_width, info->cursor_height, GFX_FMT_ARGB8888, bo) ?:
	       gfx_set_dst(dev, *bo) ?: gfx_fill(dev, GFX_SRC, 0, &all, 1) ?:
	       gfx_fill(dev, GFX_SRC, 0xff000000u, &edge, 1) ?:
	       gfx_fill(dev, GFX_SRC, 0xffffffffu, &inner, 1);
}

int main(int argc, char **argv)
{
	struct gfx_device *dev;
	struct gfx_bo *fb, *cur;
	struct gfx_info info;

	if (argc != 2) {
		fprintf(stderr, "usage: gfx-vm-cursor SPEC\n");
		return 2;
	}
	if (gfx_open(argv[1], &dev) < 0) {
		printf("gfx_open(%s): %s\n", argv[1], gfx_last_error(NULL));
		return 1;
	}
	gfx_get_info(dev, &info);
	if (!info.cursor_width) {
		if (refused(dev, gfx_cursor_set(dev, NULL, 0, 0), -EOPNOTSUPP, "gfx_cursor_set") ||
		    refused(dev, gfx_cursor_move(dev, 1, 1), -EOPNOTSUPP, "gfx_cursor_move"))
			return 1;
		printf("ok no hardware cursor on %s: set and move refused (%s)\n", info.backend,
		       gfx_last_error(dev));
		return 0;
	}
	if (bad_input(dev, &info) < 0 || first_frame(dev, &info, &fb) < 0 ||
	    draw_cursor(dev, &info, &cur) < 0 || gfx_cursor_move(dev, CUR_X, CUR_Y) < 0 ||
	    gfx_cursor_set(dev, cur, CUR_HOT_X, CUR_HOT_Y) < 0 || step("shown") < 0 ||
	    gfx_cursor_move(dev, CUR_X2, CUR_Y2) < 0 || step("moved") < 0 ||
	    gfx_cursor_set(dev, NULL, 0, 0) < 0 || step("hidden") < 0) {
		printf("%s\n", gfx_last_error(dev));
		return 1;
	}
	printf("ok %ux%u cursor on %s: bad sizes, formats and hotspots refused; shown, moved, "
	       "hidden\n", info.cursor_width, info.cursor_height, info.backend);
	gfx_close(dev);
	return 0;
}
