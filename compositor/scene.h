/* SPDX-License-Identifier: MIT */
/*
 * scene.h - what is on the output, bottom to top: windows with their
 * subsurfaces and title bars, then popups (the cursor is drawn on top of
 * it all by render.c). Built afresh for each frame and for each pick.
 */
#ifndef COMPOSITOR_SCENE_H
#define COMPOSITOR_SCENE_H

#include <stddef.h>
#include <pixman.h>

#include "gfx.h"

struct server;
struct surface;
struct toplevel;

enum item_kind { ITEM_NONE, ITEM_SURFACE, ITEM_FRAME };

struct frame_item {
	enum item_kind kind;
	struct surface *surface;	/* ITEM_SURFACE */
	struct toplevel *toplevel;	/* ITEM_FRAME, and the window of an ITEM_SURFACE (NULL in popups) */
	struct gfx_rect rect;		/* output coordinates */
};

struct scene {
	struct frame_item *items;
	pixman_region32_t *vis;		/* per item: not covered by opaque items above */
	pixman_region32_t covered;	/* what opaque items cover (valid with vis) */
	size_t n, cap;
};

/* The draw list, bottom to top. */
void scene_build(struct server *s, struct scene *sc);
void scene_fini(struct scene *sc);
/*
 * Occlusion: fill sc->vis, sc->covered and each surface's visible region
 * (left NULL when out of memory: then everything is drawn).
 */
void scene_compute_visibility(struct scene *sc);
/* What item it paints opaquely, in output coordinates, into o (initialised here). */
void scene_item_opaque(const struct frame_item *it, pixman_region32_t *o);
/*
 * The topmost item under (x, y): a surface that takes input there (with
 * the point in its coordinates in *sx, *sy), or a title bar; ITEM_NONE.
 */
struct frame_item scene_pick(struct server *s, double x, double y, double *sx, double *sy);

#endif /* COMPOSITOR_SCENE_H */
