/* SPDX-License-Identifier: MIT */
/*
 * guest_kms_damage.c - gfx-vm-kms-damage SPEC: a flip's damage reaches a
 * KMS device that copies buffers to its display (libgfx's kms driver,
 * gfx_flip_damage).
 *
 * It shows a buffer, then changes DAMAGE_W x DAMAGE_H pixels at (DAMAGE_X,
 * DAMAGE_Y) and flips the same buffer with that damage, then flips a second
 * buffer with the same damage. Between the steps it prints "step NAME"
 * lines and waits for a line on stdin, so that the test can read what the
 * device was asked to do (QEMU's trace of virtio-gpu's RESOURCE_FLUSH,
 * tests/vm/guest_kms.sh) after each step. Also: damage outside the buffer
 * is refused with EINVAL and shows nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx.h"
#include "vmutil.h"

#define SEC		1000000000LL
#define DAMAGE_X	100
#define DAMAGE_Y	50
#define DAMAGE_W	64
#define DAMAGE_H	32

struct flip_wait {
	uint64_t user_data;
	bool done;
};

static void on_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	struct flip_wait *w = data;

	if (ev->type == GFX_EVENT_FLIP_DONE && ev->user_data == w->user_data)
		w->done = true;
}

/* Flip bo with damage and wait for its FLIP_DONE; then tell the test and wait for it. */
static int flip_step(struct gfx_device *dev, struct gfx_bo *bo, const struct gfx_rect *damage,
		     unsigned int n, uint64_t user_data, const char *name)
{
	struct flip_wait w = { user_data, false };
	int64_t deadline = vm_now_ns() + 5 * SEC;
	char line[16];
	uint64_t seq, t;

	if (gfx_finish(dev, SEC) < 0 || gfx_flip_damage(dev, bo, damage, n, user_data) < 0)
		return -1;
	while (!w.done && vm_now_ns() < deadline) {
		if (gfx_wait_vblank(dev, &seq, &t, SEC) < 0 || gfx_dispatch(dev, on_event, &w) < 0)
			return -1;
	}
	if (!w.done) {
		printf("no FLIP_DONE for step %s\n", name);
		return -1;
	}
	printf("step %s\n", name);
	fflush(stdout);
	return fgets(line, sizeof(line), stdin) ? 0 : -1;
}

static int fill(struct gfx_device *dev, struct gfx_bo *bo, uint32_t argb, struct gfx_rect r)
{
	return gfx_set_dst(dev, bo) ?: gfx_fill(dev, GFX_SRC, argb, &r, 1);
}

int main(int argc, char **argv)
{
	const struct gfx_rect damage = { DAMAGE_X, DAMAGE_Y, DAMAGE_W, DAMAGE_H };
	struct gfx_device *dev;
	struct gfx_bo *a, *b;
	struct gfx_info info;
	struct gfx_rect all, outside;

	if (argc != 2) {
		fprintf(stderr, "usage: gfx-vm-kms-damage SPEC\n");
		return 2;
	}
	if (gfx_open(argv[1], &dev) < 0) {
		printf("gfx_open(%s): %s\n", argv[1], gfx_last_error(NULL));
		return 1;
	}
	gfx_get_info(dev, &info);
	all = (struct gfx_rect){ 0, 0, info.width, info.height };
	outside = (struct gfx_rect){ (int32_t)info.width - 8, 0, 16, 16 };
	if (gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &a) < 0 ||
	    gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &b) < 0 ||
	    fill(dev, a, 0xff204060u, all) < 0 || fill(dev, b, 0xff204060u, all) < 0 ||
	    flip_step(dev, a, NULL, 0, 1, "whole") < 0 ||
	    fill(dev, a, 0xffe0c020u, damage) < 0 ||
	    flip_step(dev, a, &damage, 1, 2, "same-buffer") < 0 ||
	    fill(dev, b, 0xffe0c020u, damage) < 0 ||
	    flip_step(dev, b, &damage, 1, 3, "other-buffer") < 0) {
		printf("%s\n", gfx_last_error(dev));
		return 1;
	}
	if (gfx_flip_damage(dev, a, &outside, 1, 4) != -EINVAL) {
		printf("damage outside the buffer was not refused with EINVAL\n");
		return 1;
	}
	printf("ok %ux%u: three flips shown; damage outside the buffer refused (%s)\n",
	       info.width, info.height, gfx_last_error(dev));
	gfx_close(dev);
	return 0;
}
