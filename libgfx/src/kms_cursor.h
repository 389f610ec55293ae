/* SPDX-License-Identifier: MIT */
/*
 * kms_cursor.h - the hardware cursor of a KMS output (gfx_cursor_set):
 * the CRTC's cursor plane, driven with the legacy cursor ioctls
 * (SetCursor2, MoveCursor), which every driver with a cursor plane takes,
 * atomic or not, and which update the plane at once without touching the
 * primary plane's flips. The image is copied into one of two dumb buffers of
 * the driver's cursor size (DRM_CAP_CURSOR_WIDTH/HEIGHT), the one not on
 * screen, so the application's buffer is free again at once. Until the CRTC
 * is on (the first flip) and after a modeset, the cursor waits and is set
 * again then (kms_cursor_restore).
 */
#ifndef GFX_KMS_CURSOR_H
#define GFX_KMS_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

struct gfx_device;
struct kms_output;

struct kms_cursor {
	uint32_t w, h;			/* 0: the CRTC has no cursor plane */
	struct {
		uint32_t handle, pitch;
		uint8_t *map;
		size_t size;
	} buf[2];
	int cur;			/* the buffer of the image set last */
	bool visible;			/* an image is set, not hidden */
	int32_t hot_x, hot_y, x, y;
};

/* The CRTC's cursor plane and its buffers; dev->cursor_w/h (0 without one). */
void kms_cursor_init(struct gfx_device *dev, struct kms_output *o);
void kms_cursor_fini(struct kms_output *o);
/* Show the w x h ARGB8888 pixels (NULL: hide) with this hotspot. */
int kms_cursor_set(struct gfx_device *dev, struct kms_output *o, const uint8_t *pixels,
		   uint32_t stride, int32_t hot_x, int32_t hot_y);
/* The hotspot to (x, y). */
int kms_cursor_move(struct gfx_device *dev, struct kms_output *o, int32_t x, int32_t y);
/* The CRTC came on (or changed): the image and the place again. */
void kms_cursor_restore(struct kms_output *o);

#endif /* GFX_KMS_CURSOR_H */
