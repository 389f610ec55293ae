/* SPDX-License-Identifier: MIT */
/*
 * scene.c - the scene (scene.h): windows bottom to top, each with its title
 * bar, surface and subsurfaces in their stacking order, then the popups;
 * occlusion by opaque items; picking the item under a point.
 */
#include <stdlib.h>

#include "core.h"
#include "scene.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"

/* The draw list grows by doubling from this many items. */
#define SCENE_INITIAL_ITEMS 32

static void scene_add(struct scene *sc, enum item_kind kind, struct surface *surf,
		      struct toplevel *t, struct gfx_rect r)
{
	if ((int32_t)r.w <= 0 || (int32_t)r.h <= 0)
		return;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : SCENE_INITIAL_ITEMS;
		struct frame_item *n = realloc(sc->items, cap * sizeof(*n));
		if (!n)
			return;
		sc->items = n;
		sc->cap = cap;
	}
	sc->items[sc->n++] = (struct frame_item){
		.kind = kind, .surface = surf, .toplevel = t, .rect = r,
	};
}

/* A surface and its subsurfaces, in their stacking order; those without content are left out. */
static void scene_add_tree(struct scene *sc, struct surface *surf, struct toplevel *t)
{
	struct wl_list *l;
	int32_t x, y;

	if (!surf->bo || !surface_output_pos(surf, &x, &y))
		return;
	for (l = surf->sub_order.next; l != &surf->sub_order; l = l->next) {
		if (l == &surf->self_link)
			scene_add(sc, ITEM_SURFACE, surf, t,
				  (struct gfx_rect){ x, y, surf->width, surf->height });
		else
			scene_add_tree(sc, surface_from_sub_link(l), t);
	}
}

void scene_build(struct server *s, struct scene *sc)
{
	struct toplevel *t;
	struct popup *p;

	sc->n = 0;
	wl_list_for_each_reverse(t, &s->toplevels, link) {
		if (!t->mapped)
			continue;
		if (t->ssd && !t->fullscreen)
			scene_add(sc, ITEM_FRAME, NULL, t, toplevel_frame_rect(t));
		scene_add_tree(sc, toplevel_surface(t), t);
	}
	wl_list_for_each(p, &s->popups, link)
		if (p->mapped)
			scene_add_tree(sc, p->xdg->surface, NULL);
}

void scene_fini(struct scene *sc)
{
	if (sc->vis) {
		for (size_t i = 0; i < sc->n; i++)
			pixman_region32_fini(&sc->vis[i]);
		free(sc->vis);
		pixman_region32_fini(&sc->covered);
	}
	free(sc->items);
	sc->items = NULL;
	sc->vis = NULL;
	sc->n = sc->cap = 0;
}

void scene_item_opaque(const struct frame_item *it, pixman_region32_t *o)
{
	const struct gfx_rect *r = &it->rect;

	pixman_region32_init(o);
	if (it->kind == ITEM_SURFACE) {
		struct surface *surf = it->surface;

		if (!surf->has_alpha) {
			pixman_region32_union_rect(o, o, r->x, r->y, r->w, r->h);
		} else if (!surface_is_scaled(surf)) {
			pixman_region32_copy(o, &surf->opaque);
			pixman_region32_translate(o, r->x, r->y);
			pixman_region32_intersect_rect(o, o, r->x, r->y, r->w, r->h);
		}
	} else if (it->kind == ITEM_FRAME) {
		/* The bar and border are opaque fills; the window inside may not be. */
		struct gfx_rect g = toplevel_geometry(it->toplevel);
		pixman_region32_t inner;

		pixman_region32_union_rect(o, o, r->x, r->y, r->w, r->h);
		pixman_region32_init_rect(&inner, it->toplevel->x, it->toplevel->y, g.w, g.h);
		pixman_region32_subtract(o, o, &inner);
		pixman_region32_fini(&inner);
	}
}

void scene_compute_visibility(struct scene *sc)
{
	sc->vis = calloc(sc->n ? sc->n : 1, sizeof(*sc->vis));
	if (!sc->vis)
		return;
	pixman_region32_init(&sc->covered);
	for (size_t i = sc->n; i-- > 0;) {
		struct frame_item *it = &sc->items[i];
		pixman_region32_t *v = &sc->vis[i], o;

		pixman_region32_init_rect(v, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
		pixman_region32_subtract(v, v, &sc->covered);
		if (it->kind == ITEM_SURFACE) {
			struct surface *surf = it->surface;

			pixman_region32_copy(&surf->visible, v);
			pixman_region32_translate(&surf->visible, -it->rect.x, -it->rect.y);
			surf->visible_valid = !surface_is_scaled(surf);
		}
		scene_item_opaque(it, &o);
		pixman_region32_union(&sc->covered, &sc->covered, &o);
		pixman_region32_fini(&o);
	}
}

/* Does item it take the point (x, y)? A surface where its input region is; a title bar. */
static bool item_takes(const struct frame_item *it, double x, double y, double *sx, double *sy)
{
	if (!rect_contains(&it->rect, x, y))
		return false;
	if (it->kind == ITEM_SURFACE) {
		double lx = x - it->rect.x, ly = y - it->rect.y;
		if (!surface_accepts_input(it->surface, (int)lx, (int)ly))
			return false;
		*sx = lx;
		*sy = ly;
		return true;
	}
	/* A title bar, but not the window inside it (a part of it that takes no input). */
	struct gfx_rect g = toplevel_geometry(it->toplevel);
	struct gfx_rect inner = { it->toplevel->x, it->toplevel->y, g.w, g.h };
	return !rect_contains(&inner, x, y);
}

struct frame_item scene_pick(struct server *s, double x, double y, double *sx, double *sy)
{
	struct scene sc = { 0 };
	struct frame_item found = { .kind = ITEM_NONE };

	scene_build(s, &sc);
	for (size_t i = sc.n; i-- > 0;) {
		if (item_takes(&sc.items[i], x, y, sx, sy)) {
			found = sc.items[i];
			break;
		}
	}
	scene_fini(&sc);
	return found;
}
