/* SPDX-License-Identifier: MIT */
/*
 * render.c - the scene and its composition with GPU commands.
 *
 * Only the damaged part of the back buffer is touched: the clip is set to
 * the damage, and every fill/copy/blend is cut to it on the CPU too, so the
 * device processes no pixel twice. Opaque parts of surfaces are copied
 * (SRC), the rest is blended (OVER) over the background, which is filled
 * only where no opaque item lies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define CHUNK		32	/* rectangles per command */

static void scene_add(struct scene *sc, enum item_kind kind, struct surface *surf,
		      struct toplevel *t, int32_t x, int32_t y, int32_t w, int32_t h)
{
	if (w <= 0 || h <= 0)
		return;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 32;
		struct frame_item *n = realloc(sc->items, cap * sizeof(*n));
		if (!n)
			return;
		sc->items = n;
		sc->cap = cap;
	}
	sc->items[sc->n++] = (struct frame_item){
		.kind = kind, .surface = surf, .toplevel = t,
		.rect = { x, y, (uint32_t)w, (uint32_t)h },
	};
}

/* A surface and its subsurfaces, in their stacking order. */
static void scene_add_tree(struct scene *sc, struct surface *surf, struct toplevel *t,
			   int32_t x, int32_t y)
{
	struct wl_list *l;

	for (l = surf->sub_order.next; l != &surf->sub_order; l = l->next) {
		struct surface *child;

		if (l == &surf->self_link) {
			if (surf->bo)
				scene_add(sc, ITEM_SURFACE, surf, t, x, y, surf->width, surf->height);
			continue;
		}
		struct subsurface *sub = container_of(l, struct subsurface, parent_link);
		child = sub->surface;
		if (!child || !child->bo)
			continue;
		scene_add_tree(sc, child, t, x + sub->x, y + sub->y);
	}
}

void scene_build(struct server *s, struct scene *sc)
{
	struct toplevel *t;
	struct popup *p;
	int32_t x, y;

	sc->n = 0;
	wl_list_for_each_reverse(t, &s->toplevels, link) {
		if (!t->mapped)
			continue;
		if (t->ssd && !t->fullscreen) {
			struct gfx_rect f = toplevel_frame_rect(t);
			scene_add(sc, ITEM_FRAME, NULL, t, f.x, f.y, f.w, f.h);
		}
		if (surface_output_pos(t->xdg->surface, &x, &y))
			scene_add_tree(sc, t->xdg->surface, t, x, y);
	}
	wl_list_for_each(p, &s->popups, link) {
		if (!p->mapped)
			continue;
		if (surface_output_pos(p->xdg->surface, &x, &y))
			scene_add_tree(sc, p->xdg->surface, NULL, x, y);
	}
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

static bool surface_scaled(struct surface *surf)
{
	return surf->src_w >= 0 || (uint32_t)surf->width != surf->buf_w ||
	       (uint32_t)surf->height != surf->buf_h;
}

/* What item `it` paints opaquely, in output coordinates, into o (initialised here). */
static void item_opaque(const struct frame_item *it, pixman_region32_t *o)
{
	pixman_region32_init(o);
	if (it->kind == ITEM_SURFACE) {
		struct surface *surf = it->surface;

		if (!surf->has_alpha) {
			pixman_region32_union_rect(o, o, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
		} else if (!surface_scaled(surf)) {
			pixman_region32_copy(o, &surf->opaque);
			pixman_region32_translate(o, it->rect.x, it->rect.y);
			pixman_region32_intersect_rect(o, o, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
		}
	} else if (it->kind == ITEM_FRAME) {
		/* The bar and border are opaque fills; the window inside may not be. */
		struct gfx_rect g = toplevel_geometry(it->toplevel);
		pixman_region32_t inner;

		pixman_region32_union_rect(o, o, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
		pixman_region32_init_rect(&inner, it->toplevel->x, it->toplevel->y, g.w, g.h);
		pixman_region32_subtract(o, o, &inner);
		pixman_region32_fini(&inner);
	}
}

void scene_compute_visibility(struct server *s, struct scene *sc)
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
			surf->visible_valid = !surface_scaled(surf);
		}
		item_opaque(it, &o);
		pixman_region32_union(&sc->covered, &sc->covered, &o);
		pixman_region32_fini(&o);
	}
}

enum draw_op { DRAW_FILL_SRC, DRAW_COPY, DRAW_BLEND };

/* Emit one command per CHUNK boxes of region r. */
static int draw_region(struct server *s, enum draw_op op, pixman_region32_t *r,
		       uint32_t color, int32_t src_dx, int32_t src_dy)
{
	int n, i, ret = 0;
	pixman_box32_t *b = pixman_region32_rectangles(r, &n);

	for (i = 0; i < n && ret == 0; i += CHUNK) {
		int k, m = n - i < CHUNK ? n - i : CHUNK;
		struct gfx_rect fr[CHUNK];
		struct gfx_copy_rect cr[CHUNK];

		for (k = 0; k < m; k++) {
			pixman_box32_t *bx = &b[i + k];
			fr[k] = (struct gfx_rect){ bx->x1, bx->y1, bx->x2 - bx->x1, bx->y2 - bx->y1 };
			cr[k] = (struct gfx_copy_rect){ bx->x1 + src_dx, bx->y1 + src_dy,
							 bx->x1, bx->y1, fr[k].w, fr[k].h };
		}
		switch (op) {
		case DRAW_FILL_SRC:
			ret = gfx_fill(s->gfx, GFX_SRC, color, fr, m);
			break;
		case DRAW_COPY:
			ret = gfx_copy(s->gfx, cr, m);
			break;
		case DRAW_BLEND:
			ret = gfx_blend(s->gfx, 255, cr, m);
			break;
		}
	}
	return ret;
}

static int set_clip_region(struct server *s, pixman_region32_t *r)
{
	int n, i;
	pixman_box32_t *b = pixman_region32_rectangles(r, &n);
	struct gfx_rect cr[CHUNK];

	if (n > CHUNK) {	/* too many: clip to the bounding box, draws are cut anyway */
		pixman_box32_t *e = pixman_region32_extents(r);
		cr[0] = (struct gfx_rect){ e->x1, e->y1, e->x2 - e->x1, e->y2 - e->y1 };
		return gfx_set_clip(s->gfx, cr, 1);
	}
	for (i = 0; i < n; i++)
		cr[i] = (struct gfx_rect){ b[i].x1, b[i].y1, b[i].x2 - b[i].x1, b[i].y2 - b[i].y1 };
	return gfx_set_clip(s->gfx, cr, n);
}

static int draw_frame(struct server *s, struct frame_item *it, pixman_region32_t *damage,
		      pixman_region32_t *vis)
{
	struct toplevel *t = it->toplevel;
	pixman_region32_t r, inner;
	struct gfx_rect g = toplevel_geometry(t);
	int ret;

	pixman_region32_init_rect(&r, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
	pixman_region32_intersect(&r, &r, damage);
	if (vis)
		pixman_region32_intersect(&r, &r, vis);
	/* Only the bar and border: the window itself may be translucent. */
	pixman_region32_init_rect(&inner, t->x, t->y, g.w, g.h);
	pixman_region32_subtract(&r, &r, &inner);
	pixman_region32_fini(&inner);

	bool active = s->seat.keyboard_focus == t->xdg->surface;
	ret = draw_region(s, DRAW_FILL_SRC, &r, active ? FRAME_ACTIVE : FRAME_INACTIVE, 0, 0);

	/* The close button: a square at the right of the bar. */
	struct gfx_rect box = layout_close_box(it->rect);
	pixman_region32_intersect_rect(&r, &r, box.x, box.y, box.w, box.h);
	if (ret == 0)
		ret = draw_region(s, DRAW_FILL_SRC, &r, CLOSE_BUTTON, 0, 0);
	pixman_region32_fini(&r);
	return ret;
}

static int draw_surface(struct server *s, struct frame_item *it, pixman_region32_t *damage,
			pixman_region32_t *vis)
{
	struct surface *surf = it->surface;
	pixman_region32_t r, opaque;
	int ret;

	if (!surf->bo)
		return 0;
	pixman_region32_init_rect(&r, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
	pixman_region32_intersect(&r, &r, damage);
	if (vis)	/* what opaque windows above cover is not drawn */
		pixman_region32_intersect(&r, &r, vis);
	if (!pixman_region32_not_empty(&r)) {
		pixman_region32_fini(&r);
		return 0;
	}
	ret = gfx_set_src(s->gfx, surf->bo);

	bool scaled = surface_scaled(surf);
	if (scaled && ret == 0) {
		wl_fixed_t sx = 0, sy = 0, sw = wl_fixed_from_int(surf->buf_w),
			   sh = wl_fixed_from_int(surf->buf_h);
		if (surf->src_w >= 0) {
			sx = surf->src_x * surf->scale; sy = surf->src_y * surf->scale;
			sw = surf->src_w * surf->scale; sh = surf->src_h * surf->scale;
		}
		/* wl_fixed is 24.8; the GPU takes 16.16. The GPU rejects rectangles
		 * outside the frame, so cut dst to the output and src with it. */
		double fx = (double)sw / it->rect.w, fy = (double)sh / it->rect.h;
		int32_t x1 = it->rect.x, y1 = it->rect.y;
		int32_t x2 = x1 + (int32_t)it->rect.w, y2 = y1 + (int32_t)it->rect.h;
		int32_t cx1 = x1 < 0 ? 0 : x1, cy1 = y1 < 0 ? 0 : y1;
		int32_t cx2 = x2 > (int32_t)s->output.width ? (int32_t)s->output.width : x2;
		int32_t cy2 = y2 > (int32_t)s->output.height ? (int32_t)s->output.height : y2;
		struct gfx_rect dst = { cx1, cy1, cx2 - cx1, cy2 - cy1 };
		int64_t csx = ((int64_t)sx << 8) + (int64_t)((cx1 - x1) * fx * 256);
		int64_t csy = ((int64_t)sy << 8) + (int64_t)((cy1 - y1) * fy * 256);
		int64_t csw = (int64_t)(dst.w * fx * 256), csh = (int64_t)(dst.h * fy * 256);
		ret = set_clip_region(s, &r);
		if (ret == 0 && cx2 > cx1 && cy2 > cy1 && csw > 0 && csh > 0)
			ret = gfx_stretch(s->gfx, csx, csy, csw, csh, &dst, GFX_BILINEAR,
					  surf->has_alpha ? GFX_OVER : GFX_SRC, 255);
		/* Back to the damage even after a refused stretch: the next items draw with it. */
		int clip_ret = set_clip_region(s, damage);
		pixman_region32_fini(&r);
		return ret ? ret : clip_ret;
	}

	pixman_region32_init(&opaque);
	if (!surf->has_alpha)
		pixman_region32_copy(&opaque, &r);
	else {
		pixman_region32_copy(&opaque, &surf->opaque);
		pixman_region32_translate(&opaque, it->rect.x, it->rect.y);
		pixman_region32_intersect(&opaque, &opaque, &r);
	}
	pixman_region32_subtract(&r, &r, &opaque);
	if (ret == 0)
		ret = draw_region(s, DRAW_COPY, &opaque, 0, -it->rect.x, -it->rect.y);
	if (ret == 0)
		ret = draw_region(s, DRAW_BLEND, &r, 0, -it->rect.x, -it->rect.y);
	pixman_region32_fini(&opaque);
	pixman_region32_fini(&r);
	return ret;
}

/*
 * An item the GPU refused (-EINVAL): the background was not filled under
 * its opaque part, so fill the visible damaged part of that now, as if the
 * item were not there.
 */
static int skipped_item_background(struct server *s, struct frame_item *it,
				   pixman_region32_t *damage, pixman_region32_t *vis)
{
	pixman_region32_t r;
	int ret;

	if (!vis)
		return 0;	/* no visibility: the background was filled everywhere */
	item_opaque(it, &r);
	pixman_region32_intersect(&r, &r, damage);
	pixman_region32_intersect(&r, &r, vis);
	ret = draw_region(s, DRAW_FILL_SRC, &r, BACKGROUND, 0, 0);
	pixman_region32_fini(&r);
	return ret;
}

/* The background where region r shows no opaque item (all of r without visibility). */
static int draw_background(struct server *s, struct scene *sc, pixman_region32_t *r)
{
	pixman_region32_t bg;
	int ret;

	if (!sc->vis)
		return draw_region(s, DRAW_FILL_SRC, r, BACKGROUND, 0, 0);
	pixman_region32_init(&bg);
	pixman_region32_subtract(&bg, r, &sc->covered);
	ret = draw_region(s, DRAW_FILL_SRC, &bg, BACKGROUND, 0, 0);
	pixman_region32_fini(&bg);
	return ret;
}

int render_frame(struct server *s, struct gfx_bo *fb, struct scene *sc,
		 pixman_region32_t *damage)
{
	size_t i;
	int ret = gfx_set_dst(s->gfx, fb);

	if (ret == 0)
		ret = set_clip_region(s, damage);
	if (ret == 0)
		ret = draw_background(s, sc, damage);
	for (i = 0; i < sc->n && ret == 0; i++) {
		struct frame_item *it = &sc->items[i];

		pixman_region32_t *vis = sc->vis ? &sc->vis[i] : NULL;

		if (it->kind == ITEM_FRAME)
			ret = draw_frame(s, it, damage, vis);
		else if (it->kind == ITEM_SURFACE)
			ret = draw_surface(s, it, damage, vis);
		if (ret == -EINVAL) {
			/* One odd surface must not cost everyone the frame: background in its place. */
			log_debug(s, "skipped a scene item: %s", gfx_last_error(s->gfx));
			ret = skipped_item_background(s, it, damage, vis);
		}
	}
	if (ret == 0)
		ret = cursor_draw(s);
	if (ret == 0)
		ret = gfx_set_clip(s->gfx, NULL, 0);
	return ret;
}
