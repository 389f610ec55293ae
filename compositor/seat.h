/* SPDX-License-Identifier: MIT */
/*
 * seat.h - wl_seat: the pointer, keyboard and touch objects of the
 * clients, the keymap, and who has the focus. Which window should have it
 * is the window manager's (wm.h); input.c decides what each input event
 * does and sends it through these functions.
 */
#ifndef COMPOSITOR_SEAT_H
#define COMPOSITOR_SEAT_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>
#include <xkbcommon/xkbcommon.h>

#include "data_device.h"

struct server;
struct surface;
struct toplevel;

#define SEAT_VERSION 7
#define MAX_TOUCH_POINTS 16

struct touch_point {
	int32_t id;			/* -1: free */
	struct surface *surface;	/* NULL: down outside any window */
	struct wl_listener surface_destroy;
};

struct seat {
	struct server *server;
	struct wl_global *global;
	struct wl_list resources, pointers, keyboards, touches;
	struct xkb_context *xkb;
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	int keymap_fd;
	uint32_t keymap_size;
	uint32_t mods_depressed, mods_latched, mods_locked, group;
	struct wl_array keys;		/* pressed keys (uint32 evdev codes) */
	double px, py;			/* pointer, output coordinates */
	struct surface *pointer_focus;
	struct wl_listener pointer_focus_destroy;
	double focus_sx, focus_sy;	/* where the focus last heard the pointer is */
	bool pointer_held;		/* a button held on the focus: it keeps the pointer */
	struct surface *keyboard_focus;
	struct wl_listener keyboard_focus_destroy;
	struct touch_point touch[MAX_TOUCH_POINTS];
	/* A commit may move the surface under the pointer. */
	struct wl_listener surface_commit;
	struct data_device_state data;
};

void seat_init(struct server *s);
void seat_fini(struct server *s);

/* ---- focus ---- */

/* The keyboard's focus: leave to the old surface, enter to surf (NULL: nobody). */
void seat_set_keyboard_focus(struct seat *seat, struct surface *surf);
/*
 * Which surface is under the pointer now (after the scene changed): enter
 * and leave, or a motion event if the surface moved under the pointer.
 */
void seat_repick(struct server *s);
/*
 * Buttons are held (on) on the focused surface, which keeps the pointer
 * until they are all released (off: the focus goes where the pointer is).
 */
void seat_pointer_hold(struct server *s, bool on);
/* Pointer focus to nobody (a grab takes the pointer). */
void seat_pointer_unfocus(struct server *s);
bool seat_alt_held(struct server *s);

/* ---- events to the clients, from input.c ---- */

/* A key: pressed keys and modifiers are updated; the key goes to the focus if forward. */
void seat_key(struct server *s, uint32_t code, bool pressed, bool forward);
void seat_send_button(struct server *s, uint32_t code, bool pressed);
void seat_send_axis(struct server *s, bool horizontal, double value);
/*
 * Touch point id went down on surf (NULL: outside every window) at surface
 * coordinates (sx, sy); it moved to (x, y) on the output; it went up. Each
 * event goes out in a frame of its own.
 */
void seat_touch_down(struct server *s, int32_t id, struct surface *surf, double sx, double sy);
void seat_touch_motion(struct server *s, int32_t id, double x, double y);
void seat_touch_up(struct server *s, int32_t id);

#endif /* COMPOSITOR_SEAT_H */
