/* SPDX-License-Identifier: MIT */
/*
 * cursor.c - the pointer's image, blended by the GPU on top of the frame:
 * the client's cursor surface when it set one, else our own arrow.
 */
#include <string.h>

#include "server.h"

/* 12x19 arrow: '#' black outline, '.' white, ' ' transparent. */
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
	struct gfx_bo *bo;

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
	s->cursor_bo = bo;
	s->cursor_hot_x = 0;
	s->cursor_hot_y = 0;
	return 0;
}

void cursor_fini(struct server *s)
{
	if (s->cursor_bo)
		gfx_bo_destroy(s->gfx, s->cursor_bo);
	s->cursor_bo = NULL;
}

/* Unclipped rectangle and the image to draw in it. */
static struct gfx_bo *cursor_image(struct server *s, struct gfx_rect *r)
{
	struct seat *seat = &s->seat;
	int32_t px = (int32_t)seat->px, py = (int32_t)seat->py;

	if (seat->cursor_hidden || (seat->cursor_surface && !seat->cursor_surface->bo)) {
		*r = (struct gfx_rect){ 0 };
		return NULL;
	}
	if (seat->cursor_surface && seat->cursor_surface->bo) {
		struct surface *cs = seat->cursor_surface;
		*r = (struct gfx_rect){ px - seat->hotspot_x, py - seat->hotspot_y,
					cs->buf_w, cs->buf_h };
		return cs->bo;
	}
	*r = (struct gfx_rect){ px - s->cursor_hot_x, py - s->cursor_hot_y, ARROW_W, ARROW_H };
	return s->cursor_bo;
}

static bool clip_to_output(struct server *s, struct gfx_rect *r, int32_t *sx, int32_t *sy)
{
	int32_t x1 = r->x, y1 = r->y, x2 = r->x + (int32_t)r->w, y2 = r->y + (int32_t)r->h;
	int32_t cx1 = x1 < 0 ? 0 : x1, cy1 = y1 < 0 ? 0 : y1;
	int32_t cx2 = x2 > (int32_t)s->output.width ? (int32_t)s->output.width : x2;
	int32_t cy2 = y2 > (int32_t)s->output.height ? (int32_t)s->output.height : y2;

	if (sx) {
		*sx = cx1 - x1;
		*sy = cy1 - y1;
	}
	if (cx2 <= cx1 || cy2 <= cy1) {
		*r = (struct gfx_rect){ 0 };
		return false;
	}
	*r = (struct gfx_rect){ cx1, cy1, cx2 - cx1, cy2 - cy1 };
	return true;
}

struct gfx_rect cursor_rect(struct server *s)
{
	struct gfx_rect r;

	if (!cursor_image(s, &r))
		return (struct gfx_rect){ 0 };
	clip_to_output(s, &r, NULL, NULL);
	return r;
}

void cursor_moved(struct server *s)
{
	struct gfx_rect r = cursor_rect(s);

	/* The old place is damaged by the repaint, which knows where it drew. */
	output_damage_rect(s, r.x, r.y, r.w, r.h);
	output_schedule_repaint(s);
}

int cursor_draw(struct server *s)
{
	struct gfx_rect r;
	struct gfx_bo *img = cursor_image(s, &r);
	int32_t sx, sy;
	int ret;

	if (!img || !clip_to_output(s, &r, &sx, &sy))
		return 0;
	ret = gfx_set_src(s->gfx, img);
	if (ret == 0) {
		struct gfx_copy_rect cr = { sx, sy, r.x, r.y, r.w, r.h };
		ret = gfx_blend(s->gfx, 255, &cr, 1);
	}
	return ret;
}
