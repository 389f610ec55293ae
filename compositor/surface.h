/* SPDX-License-Identifier: MIT */
/*
 * surface.h - wl_compositor, wl_surface and wl_region: the surface, its
 * double-buffered state, and the role hooks its commit calls.
 *
 * A role (xdg_toplevel, xdg_popup, subsurface, cursor) is a struct
 * surface_role: the surface calls its hooks and never a role's functions by
 * name. The content (the VRAM copy of the buffer) is buffer.c's.
 */
#ifndef COMPOSITOR_SURFACE_H
#define COMPOSITOR_SURFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pixman.h>
#include <wayland-server.h>

#include "gfx.h"

struct server;
struct surface;
struct vram_buffer;

#define COMPOSITOR_VERSION 5

/*
 * What a role does at the surface's commits. Every hook may be NULL.
 *
 * precommit: before the pending state is applied. False stops the commit:
 *   the role posted a protocol error, or it keeps the state for later (a
 *   synchronized subsurface caches it until its parent commits).
 * commit: after the state was applied (map, configure, move the cursor).
 * unmap: the surface lost its content (a NULL buffer was committed).
 * parent_commit: the parent of this surface (a subsurface) committed.
 * position: where the surface's origin is on the output; false if it is
 *   not placed (not mapped, or its parent is not).
 * parent: the surface it is placed relative to (a subsurface's or a
 *   popup's parent), NULL for a toplevel.
 */
struct surface_role {
	const char *name;
	bool (*precommit)(struct surface *s);
	void (*commit)(struct surface *s);
	void (*unmap)(struct surface *s);
	void (*parent_commit)(struct surface *s);
	bool (*position)(struct surface *s, int32_t *x, int32_t *y);
	struct surface *(*parent)(struct surface *s);
};

/* Double-buffered surface state (wl_surface.commit applies it). */
struct surface_state {
	bool new_buffer;		/* attach was called */
	struct wl_resource *buffer;	/* may be NULL (unmap) */
	struct wl_listener buffer_destroy;
	int32_t dx, dy;			/* attach or wl_surface.offset */
	pixman_region32_t damage;	/* surface coordinates */
	pixman_region32_t buffer_damage;
	pixman_region32_t opaque;
	pixman_region32_t input;
	bool opaque_set, input_set;
	int32_t scale;
	struct wl_list frame_callbacks;	/* wl_resource links */
	struct wl_list feedbacks;	/* presentation.c's feedback objects */
	/* viewport, wl_fixed; src_w < 0 means unset, dst_w < 0 unset */
	wl_fixed_t src_x, src_y, src_w, src_h;
	int32_t dst_w, dst_h;
	/* gfx_context_surface_v1: the buffer's context fence to wait for (acquire.c) */
	bool acquire_set;
	uint64_t acquire_point;
};

struct surface {
	struct server *server;
	struct wl_resource *resource;
	struct wl_list link;		/* server.surfaces */
	struct wl_signal destroy_signal;

	struct surface_state pending, cached;
	bool has_cache;

	/*
	 * The current content (buffer.c): a VRAM copy of the last wl_shm buffer,
	 * or, with no copy, a buffer already in VRAM (content set, bo its).
	 */
	struct gfx_bo *bo;
	struct vram_buffer *content;
	uint32_t buf_w, buf_h, format;
	bool has_alpha;
	int32_t width, height;		/* surface coordinates */
	int32_t scale;
	pixman_region32_t opaque, input;
	bool input_infinite;
	wl_fixed_t src_x, src_y, src_w, src_h;
	int32_t dst_w, dst_h;
	uint64_t bo_fence;		/* last GPU use of bo */
	int32_t dx, dy;			/* the last commit's attach offset */

	/*
	 * Occlusion: only the visible part of a commit is uploaded. The rest
	 * is "stale" and the buffer is held (not released) until it is
	 * uploaded, when the surface shows more of itself, or replaced.
	 */
	pixman_region32_t visible;	/* surface coordinates, last frame */
	bool visible_valid;
	pixman_region32_t stale;	/* buffer coordinates */
	struct wl_resource *held;
	struct wl_listener held_destroy;

	struct wl_list frame_callbacks;	/* committed, waiting for a repaint */
	struct wl_list feedbacks;

	/* Commits waiting for their buffer's fence (acquire.c), merged in order. */
	struct surface_state waiting;
	bool has_waiting;
	struct wl_list waiting_link;	/* server.waiting_surfaces while has_waiting */
	struct wl_resource *gpu_surface;	/* its gfx_context_surface_v1, or NULL */

	const struct surface_role *role;
	void *role_data;		/* the role's object; NULL once it is gone */
	struct xdg_surface *xdg;	/* set by xdg_wm_base.get_xdg_surface */
	struct wl_resource *viewport;

	/* Subsurfaces (their sub_link), bottom to top, and this surface's own self_link. */
	struct wl_list sub_order;
	struct wl_list self_link;
	struct wl_list sub_link;	/* in its parent's sub_order while a subsurface */

	/* Where it was drawn in the last frame (output coordinates). */
	bool was_drawn;
	struct gfx_rect drawn;
	uint64_t scene_frame;
};

void compositor_init(struct server *s);
/* acquire.c: the surface's waiting commits can be applied now. */
void surface_commit_waiting(struct surface *s);

/* The child whose sub_link is l, walking a sub_order (l is not the self_link). */
static inline struct surface *surface_from_sub_link(struct wl_list *l)
{
	return (struct surface *)((char *)l - offsetof(struct surface, sub_link));
}

struct surface *surface_from_resource(struct wl_resource *r);

/*
 * Give a surface a role (data: the role's object). Taking the role it
 * already has again is fine once the old object is gone; anything else
 * posts error_code on error_res and returns false.
 */
bool surface_set_role(struct surface *s, const struct surface_role *role, void *data,
		      struct wl_resource *error_res, uint32_t error_code);
bool surface_has_role(struct surface *s, const struct surface_role *role);
bool surface_is_mapped(struct surface *s);
/* Where its origin is on the output (the role's position hook). */
bool surface_output_pos(struct surface *s, int32_t *x, int32_t *y);
/* The surface it is placed relative to (the role's parent hook), or NULL. */
struct surface *surface_parent(struct surface *s);
/* Damage where it was drawn last frame. */
void surface_damage_whole(struct surface *s);
/* Drawn at another size than its buffer's (viewport or scale): stretched by the GPU. */
bool surface_is_scaled(struct surface *s);
/* True if (x, y) in surface coordinates accepts input. */
bool surface_accepts_input(struct surface *s, int x, int y);

/* Subsurfaces: keep the pending state in the cache, or apply the cache (if
 * there is one; then the children hear of it) when the parent commits. */
void surface_cache_pending(struct surface *s);
void surface_commit_cached(struct surface *s);

#endif /* COMPOSITOR_SURFACE_H */
