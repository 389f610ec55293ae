/* SPDX-License-Identifier: MIT */
/*
 * wm.h - the window manager's policy, in one place: where a new window
 * goes, which window is activated and has the keyboard, and the stacking
 * order (server.toplevels, top first). The shell (xdg_toplevel.c) announces
 * maps and unmaps; input.c's bindings ask for a focus change here. The
 * mechanism is elsewhere: the seat sends enter and leave, the toplevel its
 * configure.
 *
 * The policy:
 *   - a new window cascades from the top-left (layout.h's PLACE_*) unless it
 *     is maximized, fullscreen or was moved before its first map;
 *   - a window that maps goes on top and gets the focus;
 *   - a click or touch on a window raises and focuses it;
 *   - when the focused window unmaps, the top one left gets the focus;
 *   - a popup that grabs takes the keyboard, and gives it back to its
 *     parent when it goes (the top window if the parent went first);
 *   - Alt+Tab raises the bottom window, so repeating it cycles through all;
 *   - when the output changes size, maximized and fullscreen windows are
 *     asked to take the new one; the others stay where they are.
 */
#ifndef COMPOSITOR_WM_H
#define COMPOSITOR_WM_H

#include <wayland-server.h>

struct server;
struct toplevel;

struct wm {
	int next_place;			/* the cascade slot of the next window */
	struct wl_listener toplevel_map, toplevel_unmap, popup_map, popup_unmap, output_mode;
};

void wm_init(struct server *s);
void wm_fini(struct server *s);

/* Raise t, give it the keyboard and mark it activated (NULL: nobody). */
void wm_focus(struct server *s, struct toplevel *t);
/* The top mapped window other than except, or NULL. */
struct toplevel *wm_top_window(struct server *s, struct toplevel *except);
/* Alt+Tab: raise and focus the bottom mapped window. */
void wm_cycle(struct server *s);

#endif /* COMPOSITOR_WM_H */
