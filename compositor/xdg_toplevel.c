/* SPDX-License-Identifier: MIT */
/*
 * xdg_toplevel.c - the window role.
 *
 * The client chooses its size unless it is maximized, fullscreen or being
 * resized. Where a window goes and whether it is focused and on top is the
 * window manager's (wm.h): this file announces maps, unmaps and requests on
 * the core's signals.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "layout.h"
#include "output.h"
#include "repaint.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"
#include "xdg-shell-server-protocol.h"

/* ---- geometry ---- */

struct gfx_rect toplevel_geometry(struct toplevel *t)
{
	return xdg_surface_geometry(t->xdg);
}

struct gfx_rect toplevel_frame_rect(struct toplevel *t)
{
	struct gfx_rect g = toplevel_geometry(t);

	return (struct gfx_rect){ t->x - BORDER, t->y - TITLE_HEIGHT,
				  g.w + 2 * BORDER, g.h + TITLE_HEIGHT + BORDER };
}

struct surface *toplevel_surface(struct toplevel *t)
{
	return t->xdg ? t->xdg->surface : NULL;
}

void toplevel_move_to(struct toplevel *t, int32_t x, int32_t y)
{
	t->positioned = true;	/* a window moved before it maps stays there */
	t->x = clamp_coord(x);
	t->y = clamp_coord(y);
	repaint_schedule(t->server);
}

/* ---- configure ---- */

static void add_state(struct wl_array *states, uint32_t state)
{
	uint32_t *st = wl_array_add(states, sizeof(*st));

	if (st)
		*st = state;
}

/* The size to ask for (0, 0: the client's choice) and the states. */
static void configure_size(struct toplevel *t, struct wl_array *states, int32_t *w, int32_t *h)
{
	struct output *o = &t->server->output;

	*w = *h = 0;
	if (t->activated)
		add_state(states, XDG_TOPLEVEL_STATE_ACTIVATED);
	if (t->maximized) {
		add_state(states, XDG_TOPLEVEL_STATE_MAXIMIZED);
		*w = o->width - (t->ssd ? 2 * BORDER : 0);
		*h = o->height - (t->ssd ? TITLE_HEIGHT + BORDER : 0);
	}
	if (!t->maximized && !t->fullscreen && t->pending_w > 0) {
		*w = t->pending_w;
		*h = t->pending_h;
	}
	if (t->resizing)
		add_state(states, XDG_TOPLEVEL_STATE_RESIZING);
	if (t->fullscreen) {
		add_state(states, XDG_TOPLEVEL_STATE_FULLSCREEN);
		*w = o->width;
		*h = o->height;
	}
}

void toplevel_send_configure(struct toplevel *t)
{
	struct output *o = &t->server->output;
	struct wl_array states;
	int32_t w, h;

	wl_array_init(&states);
	configure_size(t, &states, &w, &h);
	if (wl_resource_get_version(t->resource) >= XDG_TOPLEVEL_CONFIGURE_BOUNDS_SINCE_VERSION)
		xdg_toplevel_send_configure_bounds(t->resource, o->width, o->height - TITLE_HEIGHT);
	xdg_toplevel_send_configure(t->resource, w, h, &states);
	wl_array_release(&states);
	xdg_surface_send_configure_serial(t->xdg);
}

void toplevel_set_activated(struct toplevel *t, bool on)
{
	t->activated = on;
	if (t->xdg && t->xdg->initial_commit_done)
		toplevel_send_configure(t);
	if (t->frame_drawn)	/* the title bar changes colour */
		output_damage_rect(t->server, t->last_frame.x, t->last_frame.y,
				   t->last_frame.w, t->last_frame.h);
	repaint_schedule(t->server);
}

void toplevel_close(struct toplevel *t)
{
	xdg_toplevel_send_close(t->resource);
}

/* ---- map and unmap ---- */

/* Where it goes, its place in the stack and the focus are the window manager's (wm.c). */
static void toplevel_map(struct toplevel *t)
{
	t->mapped = true;
	wl_signal_emit_mutable(&t->server->events.toplevel_map, t);
	repaint_schedule(t->server);
}

static void toplevel_unmap(struct toplevel *t)
{
	if (!t->mapped)
		return;
	t->mapped = false;
	wl_signal_emit_mutable(&t->server->events.toplevel_unmap, t);
	repaint_schedule(t->server);
}

/* ---- role hooks ---- */

static struct toplevel *role_toplevel(struct surface *s)
{
	struct xdg_surface *x = xdg_surface_from_surface(s);

	return x ? x->toplevel : NULL;
}

static void toplevel_commit(struct surface *s)
{
	struct toplevel *t = role_toplevel(s);

	if (!t)
		return;
	if (xdg_surface_commit_common(s)) {
		toplevel_send_configure(t);
		if (!s->bo)	/* (a buffer with it: server_config.buffer_before_first_ack) */
			return;
	}
	if (t->mapped && (s->dx || s->dy))	/* attach offset: the window moves */
		toplevel_move_to(t, t->x + s->dx, t->y + s->dy);
	if (t->mapped && t->resizing) {
		/* Resizing from the left or top: the opposite edge stays put. */
		struct gfx_rect g = toplevel_geometry(t);
		if (t->resize_edges & XDG_TOPLEVEL_RESIZE_EDGE_LEFT)
			t->x = t->anchor_x - (int32_t)g.w;
		if (t->resize_edges & XDG_TOPLEVEL_RESIZE_EDGE_TOP)
			t->y = t->anchor_y - (int32_t)g.h;
	}
	if (s->bo && !t->mapped && xdg_surface_may_map(t->xdg))
		toplevel_map(t);
	repaint_schedule(t->server);
}

static void toplevel_role_unmap(struct surface *s)
{
	struct toplevel *t = role_toplevel(s);

	if (!t || !t->mapped)
		return;
	toplevel_unmap(t);
	/* Mapping again starts over: an initial commit, then a configure to ack. */
	t->xdg->initial_commit_done = false;
	t->xdg->configured = false;
}

static bool toplevel_position(struct surface *s, int32_t *x, int32_t *y)
{
	struct toplevel *t = role_toplevel(s);
	struct gfx_rect g;

	if (!t || !t->mapped)
		return false;
	g = toplevel_geometry(t);
	*x = t->x - g.x;
	*y = t->y - g.y;
	return true;
}

const struct surface_role xdg_toplevel_role = {
	.name = "xdg_toplevel",
	.precommit = xdg_surface_precommit,
	.commit = toplevel_commit,
	.unmap = toplevel_role_unmap,
	.position = toplevel_position,
};

/* ---- the object ---- */

/* Free the toplevel (t->xdg may still be set); its resource, if it stays, is inert. */
static void toplevel_free(struct toplevel *t)
{
	toplevel_unmap(t);
	if (t->frame_drawn)
		output_damage_rect(t->server, t->last_frame.x, t->last_frame.y,
				   t->last_frame.w, t->last_frame.h);
	wl_signal_emit_mutable(&t->destroy, t);
	if (t->xdg) {
		t->xdg->toplevel = NULL;
		t->xdg->surface->role_data = NULL;
	}
	wl_list_remove(&t->link);
	free(t->title);
	free(t->app_id);
	free(t);
}

static void toplevel_resource_destroyed(struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (t)
		toplevel_free(t);
}

void toplevel_detach(struct toplevel *t)
{
	wl_resource_set_user_data(t->resource, NULL);
	toplevel_free(t);
}

/* The toplevel of a request, NULL once its xdg_surface is gone. */
static struct toplevel *request_toplevel(struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	return t && t->xdg ? t : NULL;
}

static void toplevel_destroy_req(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void toplevel_set_parent(struct wl_client *c, struct wl_resource *r, struct wl_resource *p) {}

static void set_string(char **dst, const char *src)
{
	char *d = strdup(src);

	if (!d)
		return;
	free(*dst);
	*dst = d;
}

static void toplevel_set_title(struct wl_client *c, struct wl_resource *r, const char *title)
{
	struct toplevel *t = request_toplevel(r);

	if (t)
		set_string(&t->title, title);
}

static void toplevel_set_app_id(struct wl_client *c, struct wl_resource *r, const char *id)
{
	struct toplevel *t = request_toplevel(r);

	if (t)
		set_string(&t->app_id, id);
}

static void toplevel_show_window_menu(struct wl_client *c, struct wl_resource *r,
				      struct wl_resource *seat, uint32_t serial, int32_t x, int32_t y) {}

static void toplevel_move(struct wl_client *c, struct wl_resource *r, struct wl_resource *seat,
			  uint32_t serial)
{
	struct toplevel *t = request_toplevel(r);

	if (t && t->mapped && !t->maximized && !t->fullscreen)
		wl_signal_emit_mutable(&t->server->events.request_move, t);
}

static void toplevel_resize(struct wl_client *c, struct wl_resource *r, struct wl_resource *seat,
			    uint32_t serial, uint32_t edges)
{
	struct toplevel *t = request_toplevel(r);

	if (!t)
		return;
	if (edges > XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM_RIGHT) {
		wl_resource_post_error(r, XDG_TOPLEVEL_ERROR_INVALID_RESIZE_EDGE, "bad edges %u", edges);
		return;
	}
	if (t->mapped) {
		struct resize_request req = { t, edges };
		wl_signal_emit_mutable(&t->server->events.request_resize, &req);
	}
}

static bool check_size(struct wl_resource *r, int32_t w, int32_t h, const char *what)
{
	if (w >= 0 && h >= 0)
		return true;
	wl_resource_post_error(r, XDG_TOPLEVEL_ERROR_INVALID_SIZE, "negative %s size", what);
	return false;
}

static void toplevel_set_max_size(struct wl_client *c, struct wl_resource *r, int32_t w, int32_t h)
{
	struct toplevel *t = request_toplevel(r);

	if (!t || !check_size(r, w, h, "max"))
		return;
	t->max_w = w;
	t->max_h = h;
}

static void toplevel_set_min_size(struct wl_client *c, struct wl_resource *r, int32_t w, int32_t h)
{
	struct toplevel *t = request_toplevel(r);

	if (!t || !check_size(r, w, h, "min"))
		return;
	t->min_w = w;
	t->min_h = h;
}

static void set_state(struct toplevel *t, bool *flag, bool on)
{
	if (*flag == on)
		return;
	if (!t->maximized && !t->fullscreen) {
		t->saved_x = t->x;
		t->saved_y = t->y;
	}
	*flag = on;
	if (t->fullscreen) {
		t->x = 0;
		t->y = 0;
	} else if (t->maximized) {
		t->x = t->ssd ? BORDER : 0;
		t->y = t->ssd ? TITLE_HEIGHT : 0;
	} else {
		t->x = t->saved_x;
		t->y = t->saved_y;
	}
	if (t->xdg->initial_commit_done)
		toplevel_send_configure(t);
	repaint_schedule(t->server);
}

static void toplevel_set_maximized(struct wl_client *c, struct wl_resource *r)
{
	struct toplevel *t = request_toplevel(r);

	if (t)
		set_state(t, &t->maximized, true);
}

static void toplevel_unset_maximized(struct wl_client *c, struct wl_resource *r)
{
	struct toplevel *t = request_toplevel(r);

	if (t)
		set_state(t, &t->maximized, false);
}

static void toplevel_set_fullscreen(struct wl_client *c, struct wl_resource *r,
				    struct wl_resource *output)
{
	struct toplevel *t = request_toplevel(r);

	if (t)
		set_state(t, &t->fullscreen, true);
}

static void toplevel_unset_fullscreen(struct wl_client *c, struct wl_resource *r)
{
	struct toplevel *t = request_toplevel(r);

	if (t)
		set_state(t, &t->fullscreen, false);
}

static void toplevel_set_minimized(struct wl_client *c, struct wl_resource *r) {}

static const struct xdg_toplevel_interface toplevel_impl = {
	.destroy = toplevel_destroy_req,
	.set_parent = toplevel_set_parent,
	.set_title = toplevel_set_title,
	.set_app_id = toplevel_set_app_id,
	.show_window_menu = toplevel_show_window_menu,
	.move = toplevel_move,
	.resize = toplevel_resize,
	.set_max_size = toplevel_set_max_size,
	.set_min_size = toplevel_set_min_size,
	.set_maximized = toplevel_set_maximized,
	.unset_maximized = toplevel_unset_maximized,
	.set_fullscreen = toplevel_set_fullscreen,
	.unset_fullscreen = toplevel_unset_fullscreen,
	.set_minimized = toplevel_set_minimized,
};

static void send_wm_capabilities(struct toplevel *t)
{
	struct wl_array caps;

	if (wl_resource_get_version(t->resource) < XDG_TOPLEVEL_WM_CAPABILITIES_SINCE_VERSION)
		return;
	wl_array_init(&caps);
	add_state(&caps, XDG_TOPLEVEL_WM_CAPABILITIES_MAXIMIZE);
	add_state(&caps, XDG_TOPLEVEL_WM_CAPABILITIES_FULLSCREEN);
	xdg_toplevel_send_wm_capabilities(t->resource, &caps);
	wl_array_release(&caps);
}

void toplevel_create(struct xdg_surface *x, struct wl_resource *xdg_res, uint32_t id)
{
	struct wl_client *c = wl_resource_get_client(xdg_res);
	struct toplevel *t;

	if (!surface_set_role(x->surface, &xdg_toplevel_role, x, xdg_res, XDG_WM_BASE_ERROR_ROLE))
		return;
	t = calloc(1, sizeof(*t));
	if (!t) {
		wl_client_post_no_memory(c);
		return;
	}
	t->resource = wl_resource_create(c, &xdg_toplevel_interface, wl_resource_get_version(xdg_res), id);
	if (!t->resource) {
		free(t);
		wl_client_post_no_memory(c);
		return;
	}
	t->xdg = x;
	t->server = x->surface->server;
	wl_signal_init(&t->destroy);
	wl_list_insert(&t->server->toplevels, &t->link);
	x->toplevel = t;
	wl_resource_set_implementation(t->resource, &toplevel_impl, t, toplevel_resource_destroyed);
	send_wm_capabilities(t);
}
