/* SPDX-License-Identifier: MIT */
/*
 * cursor.c - the pointer's image (cursor.h) and the cursor role: a
 * client's cursor surface is drawn with its hotspot at the pointer, which
 * wl_surface.attach's offset moves (the hotspot goes by -dx, -dy).
 */
#include <string.h>

#include "core.h"
#include "cursor.h"
#include "output.h"
#include "repaint.h"
#include "surface.h"
#include "util.h"

/* 12x19 arrow: '#' black outline, '.' white, ' ' transparent. Its hotspot is the tip, (0, 0). */
static const char *const arrow[] = {
	"#           ",
	"##          ",
	"#.#         ",
	"#..#        ",
	"#...#       ",
	"#....#      ",
	"#.....#     ",
	"#......#    ",
	"#.......#   ",
	"#........#  ",
	"#.........# ",
	"#......#####",
	"#...#..#    ",
	"#..##..#    ",
	"#.#  #..#   ",
	"##   #..#   ",
	"#     #..#  ",
	"      #..#  ",
	"       ##   ",
};
#define ARROW_W 12
#define ARROW_H 19

int cursor_init(struct server *s)
{
	struct cursor *c = &s->cursor;
	struct gfx_bo *bo;

	wl_list_init(&c->surface_destroy.link);
	if (gfx_bo_create(s->gfx, ARROW_W, ARROW_H, GFX_FMT_ARGB8888, &bo) < 0) {
		log_msg("cannot allocate the cursor: %s", gfx_last_error(s->gfx));
		return -1;
	}
	for (int y = 0; y < ARROW_H; y++) {
		uint32_t *row = (uint32_t *)((uint8_t *)bo->map + (size_t)y * bo->stride);
		for (int x = 0; x < ARROW_W; x++)
			row[x] = arrow[y][x] == '#' ? 0xff000000u :
				 arrow[y][x] == '.' ? 0xffffffffu : 0;
	}
	c->arrow = bo;
	cursor_plane_init(s);
	return 0;
}

void cursor_fini(struct server *s)
{
	struct cursor *c = &s->cursor;

	cursor_plane_fini(s);
	if (c->arrow)
		gfx_bo_destroy(s->gfx, c->arrow);
	c->arrow = NULL;
	wl_list_remove(&c->surface_destroy.link);
	wl_list_init(&c->surface_destroy.link);
	c->surface = NULL;
}

/* Unclipped rectangle and the image to draw in it; NULL when there is none. */
static struct gfx_bo *cursor_image(struct cursor *c, struct gfx_rect *r)
{
	if (c->hidden || (c->surface && !c->surface->bo)) {
		*r = (struct gfx_rect){ 0 };
		return NULL;
	}
	if (c->surface) {
		*r = (struct gfx_rect){ c->x - c->hot_x, c->y - c->hot_y,
					c->surface->buf_w, c->surface->buf_h };
		return c->surface->bo;
	}
	*r = (struct gfx_rect){ c->x, c->y, ARROW_W, ARROW_H };
	return c->arrow;
}

/* The rectangle the frame draws it in, cut to the output (w == 0: none, or on the plane). */
static struct gfx_rect cursor_rect(struct server *s)
{
	struct gfx_rect r;

	if (s->cursor.plane.shown || !cursor_image(&s->cursor, &r))
		return (struct gfx_rect){ 0 };
	rect_clip(&r, s->output.width, s->output.height, NULL, NULL);
	return r;
}

/*
 * The image changed: onto the plane if it takes it; else damage its new
 * place (the repaint damages the old one, which it knows).
 */
static void cursor_changed(struct server *s)
{
	struct cursor *c = &s->cursor;
	struct gfx_rect r;
	struct gfx_bo *img = cursor_image(c, &r);

	if (c->plane.bo) {
		cursor_plane_move(s, c->x, c->y);
		cursor_plane_show(s, img, (uint32_t)r.w, (uint32_t)r.h, c->surface ? c->hot_x : 0,
				  c->surface ? c->hot_y : 0);
	}
	r = cursor_rect(s);
	output_damage_rect(s, r.x, r.y, r.w, r.h);
	repaint_schedule(s);	/* also takes a drawn cursor away (cursor_damage) */
}

void cursor_move_to(struct server *s, int32_t x, int32_t y)
{
	s->cursor.x = x;
	s->cursor.y = y;
	if (s->cursor.plane.shown)
		cursor_plane_move(s, x, y);	/* the display moves it: nothing to draw */
	else
		cursor_changed(s);
}

static void set_surface(struct cursor *c, struct surface *surf)
{
	wl_list_remove(&c->surface_destroy.link);
	wl_list_init(&c->surface_destroy.link);
	c->surface = surf;
	if (surf)
		wl_signal_add(&surf->destroy_signal, &c->surface_destroy);
}

static void surface_destroyed(struct wl_listener *l, void *data)
{
	struct cursor *c = container_of(l, struct cursor, surface_destroy);
	struct server *s = c->surface->server;

	set_surface(c, NULL);
	cursor_changed(s);
}

/* ---- the cursor role ---- */

static void cursor_commit(struct surface *surf)
{
	struct cursor *c = &surf->server->cursor;

	if (c->surface != surf)
		return;
	c->hot_x -= surf->dx;
	c->hot_y -= surf->dy;
	cursor_changed(surf->server);
}

static void cursor_unmap(struct surface *surf)
{
	if (surf->server->cursor.surface == surf)
		cursor_changed(surf->server);
}

static const struct surface_role cursor_role = {
	.name = "cursor",
	.commit = cursor_commit,
	.unmap = cursor_unmap,
};

bool cursor_set_client(struct server *s, struct surface *surf, int32_t hot_x, int32_t hot_y,
		       struct wl_resource *error_res, uint32_t error_code)
{
	struct cursor *c = &s->cursor;

	if (surf && !surface_set_role(surf, &cursor_role, NULL, error_res, error_code))
		return false;
	c->surface_destroy.notify = surface_destroyed;
	set_surface(c, surf);
	c->hidden = !surf;
	c->hot_x = clamp_coord(hot_x);
	c->hot_y = clamp_coord(hot_y);
	cursor_changed(s);
	return true;
}

void cursor_reset(struct server *s)
{
	set_surface(&s->cursor, NULL);
	s->cursor.hidden = false;
	cursor_changed(s);
}

/* ---- the repaint's side ---- */

void cursor_damage(struct server *s)
{
	struct cursor *c = &s->cursor;
	struct gfx_rect r = cursor_rect(s);
	bool moved = memcmp(&r, &c->drawn, sizeof(r)) != 0;

	if (c->was_drawn && moved)
		output_damage_rect(s, c->drawn.x, c->drawn.y, c->drawn.w, c->drawn.h);
	if (r.w && (!c->was_drawn || moved))
		output_damage_rect(s, r.x, r.y, r.w, r.h);
}

int cursor_draw(struct server *s)
{
	struct gfx_rect r;
	struct gfx_bo *img = cursor_image(&s->cursor, &r);
	int32_t sx, sy;
	int ret;

	if (s->cursor.plane.shown)
		return 0;	/* the display lays it over the frame */
	if (!img || !rect_clip(&r, s->output.width, s->output.height, &sx, &sy))
		return 0;
	ret = gfx_set_src(s->gfx, img);
	if (ret == 0) {
		struct gfx_copy_rect cr = { sx, sy, r.x, r.y, r.w, r.h };
		ret = gfx_blend(s->gfx, 255, &cr, 1);
	}
	return ret;
}

void cursor_frame_submitted(struct server *s, uint64_t fence)
{
	struct cursor *c = &s->cursor;

	c->drawn = cursor_rect(s);
	c->was_drawn = c->drawn.w > 0;
	if (c->surface)
		c->surface->bo_fence = fence;
}
