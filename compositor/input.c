/* SPDX-License-Identifier: MIT */
/*
 * input.c - what an input event does (input.h): the compositor's own
 * bindings and grabs first, then the focused client through the seat.
 */
#include <linux/input-event-codes.h>

#include "core.h"
#include "cursor.h"
#include "input.h"
#include "layout.h"
#include "repaint.h"
#include "scene.h"
#include "seat.h"
#include "surface.h"
#include "util.h"
#include "wm.h"
#include "xdg_shell.h"
#include "xdg-shell-server-protocol.h"

/* Resize grabs stop at this size: a window must stay big enough to grab again. */
#define MIN_RESIZE_PX	32

/* ---- grabs: move and resize a window with the pointer ---- */

static void start_move(struct server *s, struct toplevel *t)
{
	struct input_state *in = &s->input;

	if (!in->buttons_down || !t)
		return;
	in->grab = t;
	in->grab_edges = 0;
	in->grab_dx = s->seat.px - t->x;
	in->grab_dy = s->seat.py - t->y;
	seat_pointer_unfocus(s);
}

static void start_resize(struct server *s, struct toplevel *t, uint32_t edges)
{
	struct input_state *in = &s->input;
	struct gfx_rect g;

	if (!in->buttons_down || !t || !edges || t->maximized || t->fullscreen)
		return;
	g = toplevel_geometry(t);
	in->grab = t;
	in->grab_edges = edges;
	in->grab_px = s->seat.px;
	in->grab_py = s->seat.py;
	in->grab_w = g.w;
	in->grab_h = g.h;
	t->resizing = true;
	t->resize_edges = edges;
	t->anchor_x = t->x + (int32_t)g.w;	/* right and bottom edges */
	t->anchor_y = t->y + (int32_t)g.h;
	seat_pointer_unfocus(s);
}

static int32_t clamp_dim(int32_t v, int32_t min, int32_t max)
{
	v = v < MIN_RESIZE_PX ? MIN_RESIZE_PX : clamp_size(v);
	if (min && v < min)
		v = min;
	if (max && v > max)
		v = max;
	return v;
}

static void resize_motion(struct server *s)
{
	struct input_state *in = &s->input;
	struct toplevel *t = in->grab;
	double dx = s->seat.px - in->grab_px, dy = s->seat.py - in->grab_py;
	int32_t w = in->grab_w, h = in->grab_h;

	if (in->grab_edges & XDG_TOPLEVEL_RESIZE_EDGE_LEFT)
		w -= (int32_t)dx;
	if (in->grab_edges & XDG_TOPLEVEL_RESIZE_EDGE_RIGHT)
		w += (int32_t)dx;
	if (in->grab_edges & XDG_TOPLEVEL_RESIZE_EDGE_TOP)
		h -= (int32_t)dy;
	if (in->grab_edges & XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM)
		h += (int32_t)dy;
	w = clamp_dim(w, t->min_w, t->max_w);
	h = clamp_dim(h, t->min_h, t->max_h);
	if (w == t->pending_w && h == t->pending_h)
		return;
	t->pending_w = w;
	t->pending_h = h;
	toplevel_send_configure(t);
}

static void end_grab(struct server *s)
{
	struct input_state *in = &s->input;
	struct toplevel *t = in->grab;

	in->grab = NULL;
	if (t && in->grab_edges) {
		t->resizing = false;
		toplevel_send_configure(t);	/* the same size, without "resizing" */
	}
	in->grab_edges = 0;
	seat_repick(s);
}

static void on_request_move(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, input.request_move);

	start_move(s, data);
}

static void on_request_resize(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, input.request_resize);
	struct resize_request *req = data;

	start_resize(s, req->toplevel, req->edges);
}

static void on_toplevel_unmap(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, input.toplevel_unmap);

	if (s->input.grab == data)
		s->input.grab = NULL;
}

/* ---- pointer ---- */

static void pointer_moved(struct server *s)
{
	struct input_state *in = &s->input;
	struct seat *seat = &s->seat;

	cursor_move_to(s, (int32_t)seat->px, (int32_t)seat->py);
	if (in->grab && in->grab_edges) {
		resize_motion(s);
	} else if (in->grab) {
		toplevel_move_to(in->grab, (int32_t)(seat->px - in->grab_dx),
				 (int32_t)(seat->py - in->grab_dy));
	} else {
		seat_repick(s);	/* enter and leave, or motion */
	}
}

void input_motion_abs(struct server *s, double x, double y)
{
	struct seat *seat = &s->seat;
	double w = s->output.width, h = s->output.height;

	seat->px = x < 0 ? 0 : x >= w ? w - 1 : x;
	seat->py = y < 0 ? 0 : y >= h ? h - 1 : y;
	pointer_moved(s);
}

void input_motion_rel(struct server *s, double dx, double dy)
{
	input_motion_abs(s, s->seat.px + dx, s->seat.py + dy);
}

/* A release: ends a grab; false if it belongs to a binding (not forwarded). */
static bool button_release(struct server *s)
{
	struct input_state *in = &s->input;

	if (in->grab && !in->buttons_down)
		end_grab(s);
	if (!in->alt_button_swallow)
		return true;
	in->alt_button_swallow = in->buttons_down != 0;
	return false;
}

/* The compositor's bindings on a window; true if the press was one. */
static bool window_binding(struct server *s, struct frame_item *it, struct toplevel *t,
			   uint32_t code)
{
	struct seat *seat = &s->seat;
	bool on_bar = it->kind == ITEM_FRAME;

	if (code == BTN_LEFT && (on_bar || seat_alt_held(s))) {
		struct gfx_rect close = layout_close_box(toplevel_frame_rect(t));
		if (on_bar && rect_contains(&close, seat->px, seat->py))
			toplevel_close(t);
		else if (!t->maximized && !t->fullscreen)
			start_move(s, t);
		return true;
	}
	if (code == BTN_RIGHT && seat_alt_held(s)) {
		start_resize(s, t, XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM_RIGHT);
		return true;
	}
	return on_bar;	/* other buttons on a title bar do nothing */
}

/*
 * A press or touch at (x, y): popup grabs end when it lands on another
 * client's window or on none (xdg_popup.grab); the window it lands on is
 * focused and raised.
 */
static struct toplevel *activate_at(struct server *s, double x, double y, struct frame_item *it)
{
	double sx, sy;
	struct toplevel *t;
	struct surface *hit;
	bool on_popup;

	*it = scene_pick(s, x, y, &sx, &sy);
	t = it->kind == ITEM_FRAME ? it->toplevel
	    : it->kind == ITEM_SURFACE ? toplevel_from_surface(it->surface) : NULL;
	hit = it->kind == ITEM_SURFACE ? it->surface : t ? toplevel_surface(t) : NULL;
	on_popup = it->kind == ITEM_SURFACE && popup_from_surface(it->surface);
	popup_dismiss_all(s, hit ? wl_resource_get_client(hit->resource) : NULL);
	if (t && !on_popup && s->seat.keyboard_focus != toplevel_surface(t))
		wm_focus(s, t);
	return on_popup ? NULL : t;
}

void input_button(struct server *s, uint32_t code, bool pressed)
{
	struct input_state *in = &s->input;
	uint32_t bit = code >= BTN_MOUSE && code < BTN_MOUSE + 32 ? 1u << (code - BTN_MOUSE) : 0;
	struct frame_item it;
	struct toplevel *t;

	if (pressed)
		in->buttons_down |= bit;
	else
		in->buttons_down &= ~bit;
	if (!pressed && !button_release(s))
		return;
	if (pressed) {
		t = activate_at(s, s->seat.px, s->seat.py, &it);
		if (t && window_binding(s, &it, t, code)) {
			in->alt_button_swallow = true;
			return;
		}
	}
	seat_send_button(s, code, pressed);
	seat_pointer_hold(s, in->buttons_down != 0);	/* the implicit grab */
}

void input_axis(struct server *s, bool horizontal, double value)
{
	seat_send_axis(s, horizontal, value);
}

/* ---- keyboard ---- */

void input_key(struct server *s, uint32_t code, bool pressed)
{
	struct input_state *in = &s->input;
	bool binding = false;

	if (code == KEY_TAB && pressed && seat_alt_held(s)) {
		wm_cycle(s);	/* Alt+Tab */
		in->alt_tab_swallow = true;
		binding = true;
	} else if (code == KEY_TAB && !pressed && in->alt_tab_swallow) {
		in->alt_tab_swallow = false;
		binding = true;
	}
	seat_key(s, code, pressed, !binding);
}

/* ---- touch ---- */

void input_touch_down(struct server *s, int32_t id, double x, double y)
{
	struct frame_item it;
	double sx = 0, sy = 0;

	activate_at(s, x, y, &it);
	it = scene_pick(s, x, y, &sx, &sy);	/* the scene may have changed */
	seat_touch_down(s, id, it.kind == ITEM_SURFACE ? it.surface : NULL, sx, sy);
}

void input_touch_motion(struct server *s, int32_t id, double x, double y)
{
	seat_touch_motion(s, id, x, y);
}

void input_touch_up(struct server *s, int32_t id)
{
	seat_touch_up(s, id);
}

/* The output took another size: the pointer stays on it. */
static void on_output_mode(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, input.output_mode);

	input_motion_abs(s, s->seat.px, s->seat.py);
}

/* ---- lifecycle ---- */

void input_init(struct server *s)
{
	struct input_state *in = &s->input;

	in->request_move.notify = on_request_move;
	wl_signal_add(&s->events.request_move, &in->request_move);
	in->request_resize.notify = on_request_resize;
	wl_signal_add(&s->events.request_resize, &in->request_resize);
	in->toplevel_unmap.notify = on_toplevel_unmap;
	wl_signal_add(&s->events.toplevel_unmap, &in->toplevel_unmap);
	in->output_mode.notify = on_output_mode;
	wl_signal_add(&s->events.output_mode, &in->output_mode);
}

void input_fini(struct server *s)
{
	struct input_state *in = &s->input;

	wl_list_remove(&in->request_move.link);
	wl_list_remove(&in->request_resize.link);
	wl_list_remove(&in->toplevel_unmap.link);
	wl_list_remove(&in->output_mode.link);
}
