/* SPDX-License-Identifier: MIT */
/*
 * render.c - a frame's composition with GPU commands (render.h).
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

#include "core.h"
#include "cursor.h"
#include "layout.h"
#include "render.h"
#include "scene.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"

/* Rectangles per command, and per clip (more: the clip is their bounding box). */
#define CHUNK		32

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

	ret = draw_region(s, DRAW_FILL_SRC, &r, t->activated ? FRAME_ACTIVE : FRAME_INACTIVE, 0, 0);

	/* The close button: a square at the right of the bar. */
	struct gfx_rect box = layout_close_box(it->rect);
	pixman_region32_intersect_rect(&r, &r, box.x, box.y, box.w, box.h);
	if (ret == 0)
		ret = draw_region(s, DRAW_FILL_SRC, &r, CLOSE_BUTTON, 0, 0);
	pixman_region32_fini(&r);
	return ret;
}

/*
 * A scaled surface: the GPU's bilinear stretch of its source rectangle,
 * clipped to r. The GPU takes 16.16 source coordinates (wl_fixed is 24.8)
 * and rejects rectangles outside the frame: dst is cut to the output and
 * the source with it.
 */
static int draw_scaled(struct server *s, struct frame_item *it, pixman_region32_t *r,
		       pixman_region32_t *damage)
{
	struct surface *surf = it->surface;
	wl_fixed_t sx = 0, sy = 0, sw = wl_fixed_from_int(surf->buf_w),
		   sh = wl_fixed_from_int(surf->buf_h);
	struct gfx_rect dst = it->rect;
	int32_t cut_x, cut_y;
	int ret;

	if (surf->src_w >= 0) {
		sx = surf->src_x * surf->scale; sy = surf->src_y * surf->scale;
		sw = surf->src_w * surf->scale; sh = surf->src_h * surf->scale;
	}
	double fx = (double)sw / it->rect.w, fy = (double)sh / it->rect.h;
	bool on_output = rect_clip(&dst, s->output.width, s->output.height, &cut_x, &cut_y);
	int64_t csx = ((int64_t)sx << 8) + (int64_t)(cut_x * fx * 256);
	int64_t csy = ((int64_t)sy << 8) + (int64_t)(cut_y * fy * 256);
	int64_t csw = (int64_t)(dst.w * fx * 256), csh = (int64_t)(dst.h * fy * 256);

	ret = set_clip_region(s, r);
	if (ret == 0 && on_output && csw > 0 && csh > 0)
		ret = gfx_stretch(s->gfx, csx, csy, csw, csh, &dst, GFX_BILINEAR,
				  surf->has_alpha ? GFX_OVER : GFX_SRC, 255);
	/* Back to the damage even after a refused stretch: the next items draw with it. */
	int clip_ret = set_clip_region(s, damage);
	return ret ? ret : clip_ret;
}

/* An unscaled surface: its opaque part copied, the rest blended. */
static int draw_unscaled(struct server *s, struct frame_item *it, pixman_region32_t *r)
{
	struct surface *surf = it->surface;
	pixman_region32_t opaque;
	int ret;

	pixman_region32_init(&opaque);
	if (!surf->has_alpha) {
		pixman_region32_copy(&opaque, r);
	} else {
		pixman_region32_copy(&opaque, &surf->opaque);
		pixman_region32_translate(&opaque, it->rect.x, it->rect.y);
		pixman_region32_intersect(&opaque, &opaque, r);
	}
	pixman_region32_subtract(r, r, &opaque);
	ret = draw_region(s, DRAW_COPY, &opaque, 0, -it->rect.x, -it->rect.y);
	if (ret == 0)
		ret = draw_region(s, DRAW_BLEND, r, 0, -it->rect.x, -it->rect.y);
	pixman_region32_fini(&opaque);
	return ret;
}

static int draw_surface(struct server *s, struct frame_item *it, pixman_region32_t *damage,
			pixman_region32_t *vis)
{
	struct surface *surf = it->surface;
	pixman_region32_t r;
	int ret = 0;

	if (!surf->bo)
		return 0;
	pixman_region32_init_rect(&r, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
	pixman_region32_intersect(&r, &r, damage);
	if (vis)	/* what opaque windows above cover is not drawn */
		pixman_region32_intersect(&r, &r, vis);
	if (pixman_region32_not_empty(&r)) {
		ret = gfx_set_src(s->gfx, surf->bo);
		if (ret == 0)
			ret = surface_is_scaled(surf) ? draw_scaled(s, it, &r, damage)
						      : draw_unscaled(s, it, &r);
	}
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
	scene_item_opaque(it, &r);
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
			log_debug(s->verbose, "skipped a scene item: %s", gfx_last_error(s->gfx));
			ret = skipped_item_background(s, it, damage, vis);
		}
	}
	if (ret == 0)
		ret = cursor_draw(s);
	if (ret == 0)
		ret = gfx_set_clip(s->gfx, NULL, 0);
	return ret;
}
