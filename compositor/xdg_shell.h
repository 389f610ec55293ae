/* SPDX-License-Identifier: MIT */
/*
 * xdg_shell.h - xdg_wm_base: windows (xdg_toplevel) and popups (xdg_popup),
 * and what the rest of the compositor may do with them.
 *
 * The unit is three files: xdg_shell.c (xdg_wm_base, xdg_surface,
 * xdg_positioner), xdg_toplevel.c and xdg_popup.c, the two roles.
 */
#ifndef COMPOSITOR_XDG_SHELL_H
#define COMPOSITOR_XDG_SHELL_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>

#include "gfx.h"

struct server;

/* Weston 10's clients bind what is advertised but know only the v3 events. */
#define WM_BASE_VERSION 3
struct surface;
struct positioner;
struct surface_role;

struct xdg_surface {
	struct wl_resource *resource;
	struct surface *surface;
	struct wl_listener surface_destroy;
	struct toplevel *toplevel;
	struct popup *popup;
	bool configured;		/* first ack received */
	bool initial_commit_done;
	uint32_t configure_serial;
	struct gfx_rect geometry;	/* window geometry; w == 0: whole surface */
	bool has_geometry;
	struct gfx_rect pending_geometry;
	bool pending_has_geometry;
};

struct toplevel {
	struct wl_resource *resource;
	struct xdg_surface *xdg;
	struct server *server;
	struct wl_list link;		/* server.toplevels, top first */
	struct wl_signal destroy;	/* it goes away (the decoration listens) */
	bool mapped;
	bool activated;			/* the seat's focus: ACTIVATED in configures */
	int32_t x, y;			/* output position of the window geometry */
	bool positioned;		/* moved there (not placed by the cascade) */
	char *title, *app_id;
	bool ssd;			/* draw a server-side title bar */
	bool has_decoration;		/* a zxdg_toplevel_decoration_v1 exists (decoration.c) */
	bool maximized, fullscreen;
	bool resizing;
	uint32_t resize_edges;
	int32_t anchor_x, anchor_y;	/* the corner that stays put while resizing */
	int32_t pending_w, pending_h;	/* size asked in the last configure, 0: client's */
	int32_t saved_x, saved_y;
	int32_t min_w, min_h, max_w, max_h;
	struct gfx_rect last_frame;	/* decoration rect drawn last frame */
	bool frame_drawn;
	uint64_t frame_scene;		/* server scene_frame that last had the decoration */
};

struct popup {
	struct wl_resource *resource;
	struct xdg_surface *xdg;
	struct surface *parent;		/* NULL until known */
	struct wl_listener parent_destroy;
	struct wl_list link;		/* server.popups, bottom first */
	int32_t x, y;			/* relative to the parent's window geometry */
	int32_t w, h;			/* configured size */
	bool mapped;
	bool grab;
};

/* server.events.request_resize's data. */
struct resize_request {
	struct toplevel *toplevel;
	uint32_t edges;			/* XDG_TOPLEVEL_RESIZE_EDGE_* */
};

void xdg_shell_init(struct server *s);

/* ---- windows, for the seat and the scene ---- */

/* Window geometry of a toplevel in surface coordinates. */
struct gfx_rect toplevel_geometry(struct toplevel *t);
/* Outer rectangle (geometry + title bar) in output coordinates. */
struct gfx_rect toplevel_frame_rect(struct toplevel *t);
/* The toplevel a surface belongs to (through subsurfaces and popups), or NULL. */
struct toplevel *toplevel_from_surface(struct surface *s);
struct surface *toplevel_surface(struct toplevel *t);
void toplevel_send_configure(struct toplevel *t);
void toplevel_set_activated(struct toplevel *t, bool on);
void toplevel_close(struct toplevel *t);
/* Put the window geometry's top-left corner at (x, y). */
void toplevel_move_to(struct toplevel *t, int32_t x, int32_t y);

/* The popup whose surface this is, or NULL. */
struct popup *popup_from_surface(struct surface *s);
bool popup_is_grabbing(struct popup *p);
/* Dismiss grabbing popups (top first), except the client's own. */
void popup_dismiss_all(struct server *s, struct wl_client *except);

/* ---- inside the unit (xdg_shell.c, xdg_toplevel.c, xdg_popup.c) ---- */

extern const struct surface_role xdg_toplevel_role, xdg_popup_role;

struct xdg_surface *xdg_surface_from_surface(struct surface *s);
struct gfx_rect xdg_surface_geometry(struct xdg_surface *x);
uint32_t xdg_surface_send_configure_serial(struct xdg_surface *x);
/* The role hooks both roles share: the buffer-before-configure check, the
 * geometry and the initial configure (true if this commit was the initial one). */
bool xdg_surface_precommit(struct surface *s);
bool xdg_surface_commit_common(struct surface *s);
/* It acked a configure (or the server takes buffers before that: core.h). */
bool xdg_surface_may_map(struct xdg_surface *x);
/* xdg_surface.get_toplevel and get_popup; a role object gone with its xdg_surface. */
void toplevel_create(struct xdg_surface *x, struct wl_resource *xdg_res, uint32_t id);
void toplevel_detach(struct toplevel *t);
void popup_create(struct xdg_surface *x, struct wl_resource *xdg_res, uint32_t id,
		  struct wl_resource *parent, struct positioner *pos);
void popup_detach(struct popup *p);
/* Where a popup goes, relative to its parent's window geometry. */
void positioner_place(const struct positioner *p, int32_t parent_ox, int32_t parent_oy,
		      int32_t out_w, int32_t out_h, int32_t *rx, int32_t *ry, int32_t *w, int32_t *h);

#endif /* COMPOSITOR_XDG_SHELL_H */
