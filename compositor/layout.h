/* SPDX-License-Identifier: MIT */
/*
 * layout.h - where gfx-compositor puts windows and how it paints what no
 * client draws: the one place for these numbers. The tests ask the program
 * for them (`gfx-compositor --print-layout`, layout.c) instead of copying.
 */
#ifndef COMPOSITOR_LAYOUT_H
#define COMPOSITOR_LAYOUT_H

#include <stdint.h>

#include "gfx.h"

/* Colours, premultiplied ARGB. */
#define BACKGROUND	0xff203040u	/* where no window is */
#define FRAME_ACTIVE	0xff3a6ea5u	/* title bar and border of the focused window */
#define FRAME_INACTIVE	0xff5a5f66u
#define CLOSE_BUTTON	0xffc84040u

/* Server-side decorations, output pixels: a title bar above the window geometry, a border around. */
#define TITLE_HEIGHT	24
#define BORDER		1
#define CLOSE_SIZE	(TITLE_HEIGHT - 8)	/* the close box, a square in the bar */
#define CLOSE_TOP	4			/* from the frame's top */
#define CLOSE_RIGHT	5			/* from the frame's right edge */

/* New toplevels cascade: the k-th one's geometry origin is PLACE_X + k * PLACE_STEP,
 * PLACE_Y + k * PLACE_STEP, k counting modulo PLACE_SLOTS. */
#define PLACE_X		32
#define PLACE_Y		(32 + TITLE_HEIGHT)
#define PLACE_STEP	48
#define PLACE_SLOTS	8

/* The close box of a frame (toplevel_frame_rect). */
static inline struct gfx_rect layout_close_box(struct gfx_rect frame)
{
	return (struct gfx_rect){ frame.x + (int32_t)frame.w - CLOSE_SIZE - CLOSE_RIGHT,
				  frame.y + CLOSE_TOP, CLOSE_SIZE, CLOSE_SIZE };
}

void layout_print(void);

#endif
