/* SPDX-License-Identifier: MIT */
/* cursor_plane.c - the display's hardware cursor (cursor_plane.h). */
#include "core.h"
#include "cursor_plane.h"
#include "util.h"

void cursor_plane_init(struct server *s)
{
	struct cursor_plane *p = &s->cursor.plane;

	if (!s->info.cursor_width)
		return;
	if (gfx_bo_create(s->gfx, s->info.cursor_width, s->info.cursor_height, GFX_FMT_ARGB8888,
			  &p->bo) < 0) {
		log_msg("no hardware cursor (its buffer: %s); drawing it", gfx_last_error(s->gfx));
		p->bo = NULL;
	}
}

void cursor_plane_fini(struct server *s)
{
	struct cursor_plane *p = &s->cursor.plane;

	if (!p->bo)
		return;
	gfx_cursor_set(s->gfx, NULL, 0, 0);
	gfx_bo_destroy(s->gfx, p->bo);
	p->bo = NULL;
}

/* img's w x h pixels at the plane buffer's top-left, the rest transparent. */
static int copy_image(struct server *s, struct gfx_bo *img, uint32_t w, uint32_t h)
{
	struct gfx_bo *bo = s->cursor.plane.bo;
	struct gfx_rect all = { 0, 0, bo->width, bo->height };
	struct gfx_copy_rect r = { 0, 0, 0, 0, w, h };

	return gfx_set_dst(s->gfx, bo) ?: gfx_fill(s->gfx, GFX_SRC, 0, &all, 1) ?:
	       gfx_set_src(s->gfx, img) ?: gfx_copy(s->gfx, &r, 1);
}

bool cursor_plane_show(struct server *s, struct gfx_bo *img, uint32_t w, uint32_t h,
		       int32_t hot_x, int32_t hot_y)
{
	struct cursor_plane *p = &s->cursor.plane;
	bool fits = img && w <= s->info.cursor_width && h <= s->info.cursor_height &&
		    hot_x >= 0 && hot_y >= 0 && (uint32_t)hot_x < s->info.cursor_width &&
		    (uint32_t)hot_y < s->info.cursor_height;

	if (!p->bo)
		return false;
	if (fits && copy_image(s, img, w, h) == 0 && gfx_cursor_set(s->gfx, p->bo, hot_x, hot_y) == 0) {
		p->shown = true;
		return true;
	}
	if (img && fits)
		log_msg("the hardware cursor failed (%s); drawing it", gfx_last_error(s->gfx));
	gfx_cursor_set(s->gfx, NULL, 0, 0);
	p->shown = !img;	/* no cursor at all: hidden is what the plane shows */
	return p->shown;
}

void cursor_plane_move(struct server *s, int32_t x, int32_t y)
{
	if (s->cursor.plane.bo)	/* hidden too: the next image shows there */
		gfx_cursor_move(s->gfx, x, y);
}
