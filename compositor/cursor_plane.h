/* SPDX-License-Identifier: MIT */
/*
 * cursor_plane.h - the display's hardware cursor, where the device has one
 * (libgfx's gfx_cursor_set: a KMS cursor plane, virtio-gpu's cursor queue).
 * The display lays the image over the frame, so the pointer's motion
 * draws nothing and flips nothing. An image that does not fit the plane
 * (a client's cursor larger than it) is drawn into the frame instead
 * (cursor.c), as it is on our GPU, which has no cursor plane.
 */
#ifndef COMPOSITOR_CURSOR_PLANE_H
#define COMPOSITOR_CURSOR_PLANE_H

#include <stdbool.h>
#include <stdint.h>

#include "gfx.h"

struct server;

struct cursor_plane {
	struct gfx_bo *bo;		/* the image as the plane takes it; NULL: no plane */
	bool shown;			/* the plane shows the pointer (or hides it) */
};

/* The plane's buffer, where the device has a cursor. */
void cursor_plane_init(struct server *s);
void cursor_plane_fini(struct server *s);
/*
 * Show img's w x h pixels from (0, 0) with this hotspot (img NULL: no
 * cursor at all). False: the plane cannot (none, too large, a failure), and
 * it is hidden: the frame draws the cursor.
 */
bool cursor_plane_show(struct server *s, struct gfx_bo *img, uint32_t w, uint32_t h,
		       int32_t hot_x, int32_t hot_y);
/* The hotspot to (x, y) (hidden too: the next image shows there). */
void cursor_plane_move(struct server *s, int32_t x, int32_t y);

#endif /* COMPOSITOR_CURSOR_PLANE_H */
