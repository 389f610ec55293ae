/* SPDX-License-Identifier: MIT */
/*
 * input.h - the seam every input source feeds: libevdev devices and the
 * GPU's input FIFO (both through evdev.c), and wlcs's fake pointer and
 * touch devices. Codes are evdev's (KEY_*, BTN_*), coordinates output
 * pixels. input.c decides what an event does: the compositor's bindings
 * (Alt+drag moves, Alt+right-drag resizes, Alt+Tab, title bars, close
 * boxes), click to focus, popup dismissal, move and resize grabs; the rest
 * goes to the focused client through the seat.
 */
#ifndef COMPOSITOR_INPUT_H
#define COMPOSITOR_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>

struct server;
struct toplevel;

void input_key(struct server *s, uint32_t code, bool pressed);
void input_button(struct server *s, uint32_t code, bool pressed);
void input_motion_abs(struct server *s, double x, double y);
void input_motion_rel(struct server *s, double dx, double dy);
void input_axis(struct server *s, bool horizontal, double value);
void input_touch_down(struct server *s, int32_t id, double x, double y);
void input_touch_motion(struct server *s, int32_t id, double x, double y);
void input_touch_up(struct server *s, int32_t id);

/* What input.c keeps (in struct server): buttons held, the grab, swallowed releases. */
struct input_state {
	uint32_t buttons_down;		/* bit n: BTN_MOUSE + n */
	bool alt_tab_swallow;		/* the Tab release after Alt+Tab */
	bool alt_button_swallow;	/* releases of a binding's buttons */
	/* A move (edges 0) or resize grab of a window. */
	struct toplevel *grab;
	uint32_t grab_edges;		/* XDG_TOPLEVEL_RESIZE_EDGE_* bits; 0: move */
	double grab_dx, grab_dy;	/* move: the pointer from the window's origin */
	double grab_px, grab_py;	/* resize: the pointer at the start */
	int32_t grab_w, grab_h;		/* resize: the window geometry at the start */
	struct wl_listener request_move, request_resize, toplevel_unmap, output_mode;
};

void input_init(struct server *s);
void input_fini(struct server *s);

#endif /* COMPOSITOR_INPUT_H */
