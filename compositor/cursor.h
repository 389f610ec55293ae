/* SPDX-License-Identifier: MIT */
/*
 * cursor.h - the pointer's image: the client's cursor surface (the cursor
 * role) when it set one, else our own arrow; on the display's cursor plane
 * where it has one (cursor_plane.h), else blended by the GPU last.
 */
#ifndef COMPOSITOR_CURSOR_H
#define COMPOSITOR_CURSOR_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>

#include "cursor_plane.h"
#include "gfx.h"

struct server;
struct surface;

struct cursor {
	struct gfx_bo *arrow;		/* our own image */
	int32_t x, y;			/* the pointer, output pixels */
	struct surface *surface;	/* the client's cursor; NULL: ours */
	struct wl_listener surface_destroy;
	int32_t hot_x, hot_y;		/* the client's hotspot */
	bool hidden;			/* the client asked for no cursor */
	struct gfx_rect drawn;		/* where the last frame drew it */
	bool was_drawn;
	struct cursor_plane plane;	/* shown: the frame does not draw it */
};

int cursor_init(struct server *s);
void cursor_fini(struct server *s);

/* The seat's side: where the pointer is, and what the focused client wants. */
void cursor_move_to(struct server *s, int32_t x, int32_t y);
/* Give surf the cursor role and show it (NULL: hide the cursor); false after a protocol error. */
bool cursor_set_client(struct server *s, struct surface *surf, int32_t hot_x, int32_t hot_y,
		       struct wl_resource *error_res, uint32_t error_code);
/* Back to our arrow (the pointer entered another client). */
void cursor_reset(struct server *s);

/* The repaint's side: damage its old and new place, draw it, hold its buffer. */
void cursor_damage(struct server *s);
int cursor_draw(struct server *s);
void cursor_frame_submitted(struct server *s, uint64_t fence);

#endif /* COMPOSITOR_CURSOR_H */
