/* SPDX-License-Identifier: MIT */
/*
 * xdg_shell.c - xdg_wm_base: toplevel windows and popups.
 *
 * New toplevels are placed in a cascade from the top-left corner
 * (layout.h's PLACE_*; tests read them with --print-layout). The client chooses its size unless it is
 * maximized or fullscreen.
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "xdg-shell-server-protocol.h"

#define WM_BASE_VERSION 3	/* weston 10 clients bind what is advertised but know only v3 events */

struct positioner {
	int32_t w, h;
	struct gfx_rect anchor_rect;
	bool has_size, has_anchor_rect;
	uint32_t anchor, gravity, constraint;
	int32_t off_x, off_y;
};

static struct xdg_surface *xdg_from_surface(struct surface *s)
{
	return s ? s->xdg : NULL;
}

struct gfx_rect toplevel_geometry(struct toplevel *t)
{
	struct xdg_surface *x = t->xdg;

	if (x->has_geometry && x->geometry.w > 0 && x->geometry.h > 0)
		return x->geometry;
	return (struct gfx_rect){ 0, 0, x->surface->width, x->surface->height };
}

static struct gfx_rect xdg_geometry(struct xdg_surface *x)
{
	if (x->has_geometry && x->geometry.w > 0 && x->geometry.h > 0)
		return x->geometry;
	return (struct gfx_rect){ 0, 0, x->surface->width, x->surface->height };
}

struct gfx_rect toplevel_frame_rect(struct toplevel *t)
{
	struct gfx_rect g = toplevel_geometry(t);

	return (struct gfx_rect){ t->x - BORDER, t->y - TITLE_HEIGHT,
				  g.w + 2 * BORDER, g.h + TITLE_HEIGHT + BORDER };
}

bool surface_output_pos(struct surface *s, int32_t *x, int32_t *y)
{
	for (int depth = 0; s && depth < 64; depth++) {
		struct xdg_surface *xs = s->xdg;

		if (s->role == ROLE_XDG_TOPLEVEL && xs && xs->toplevel) {
			struct gfx_rect g = toplevel_geometry(xs->toplevel);
			if (!xs->toplevel->mapped)
				return false;
			*x = xs->toplevel->x - g.x;
			*y = xs->toplevel->y - g.y;
			return true;
		}
		if (s->role == ROLE_XDG_POPUP && xs && xs->popup) {
			struct popup *p = xs->popup;
			int32_t px, py;
			if (!p->parent || !p->mapped || !surface_output_pos(p->parent, &px, &py))
				return false;
			struct gfx_rect pg = p->parent->xdg ? xdg_geometry(p->parent->xdg)
							    : (struct gfx_rect){ 0 };
			struct gfx_rect g = xdg_geometry(xs);
			*x = px + pg.x + p->x - g.x;
			*y = py + pg.y + p->y - g.y;
			return true;
		}
		if (s->role == ROLE_SUBSURFACE && s->role_data) {
			struct subsurface *sub = s->role_data;
			int32_t px, py;
			if (!sub->parent || !surface_output_pos(sub->parent, &px, &py))
				return false;
			*x = px + sub->x;
			*y = py + sub->y;
			return true;
		}
		return false;
	}
	return false;
}

/* ---- configure ---- */

static uint32_t send_xdg_configure(struct xdg_surface *x)
{
	uint32_t serial = seat_next_serial(x->surface->server);

	x->configure_serial = serial;
	xdg_surface_send_configure(x->resource, serial);
	return serial;
}

void toplevel_send_configure(struct toplevel *t)
{
	struct server *s = t->server;
	struct wl_array states;
	uint32_t *st;
	int32_t w = 0, h = 0;

	wl_array_init(&states);
	if (s->seat.keyboard_focus == t->xdg->surface && (st = wl_array_add(&states, sizeof(*st))))
		*st = XDG_TOPLEVEL_STATE_ACTIVATED;
	if (t->maximized && (st = wl_array_add(&states, sizeof(*st)))) {
		*st = XDG_TOPLEVEL_STATE_MAXIMIZED;
		w = s->output.width - (t->ssd ? 2 * BORDER : 0);
		h = s->output.height - (t->ssd ? TITLE_HEIGHT + BORDER : 0);
	}
	if (!t->maximized && !t->fullscreen && t->pending_w > 0) {
		w = t->pending_w;
		h = t->pending_h;
	}
	if (t->resizing && (st = wl_array_add(&states, sizeof(*st))))
		*st = XDG_TOPLEVEL_STATE_RESIZING;
	if (t->fullscreen && (st = wl_array_add(&states, sizeof(*st)))) {
		*st = XDG_TOPLEVEL_STATE_FULLSCREEN;
		w = s->output.width;
		h = s->output.height;
	}
	if (wl_resource_get_version(t->resource) >= XDG_TOPLEVEL_CONFIGURE_BOUNDS_SINCE_VERSION)
		xdg_toplevel_send_configure_bounds(t->resource, s->output.width,
						   s->output.height - TITLE_HEIGHT);
	xdg_toplevel_send_configure(t->resource, w, h, &states);
	wl_array_release(&states);
	send_xdg_configure(t->xdg);
}

void toplevel_set_activated(struct toplevel *t, bool on)
{
	if (t->xdg->initial_commit_done)
		toplevel_send_configure(t);
	if (t->frame_drawn)
		output_damage_rect(t->server, t->last_frame.x, t->last_frame.y,
				   t->last_frame.w, t->last_frame.h);
	output_schedule_repaint(t->server);
}

void toplevel_close(struct toplevel *t)
{
	xdg_toplevel_send_close(t->resource);
}

/* ---- positioner ---- */

static void positioner_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void positioner_set_size(struct wl_client *c, struct wl_resource *r, int32_t w, int32_t h)
{
	struct positioner *p = wl_resource_get_user_data(r);

	if (w <= 0 || h <= 0) {
		wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT, "size must be positive");
		return;
	}
	p->w = clamp_size(w);
	p->h = clamp_size(h);
	p->has_size = true;
}

static void positioner_set_anchor_rect(struct wl_client *c, struct wl_resource *r,
				       int32_t x, int32_t y, int32_t w, int32_t h)
{
	struct positioner *p = wl_resource_get_user_data(r);

	if (w < 0 || h < 0) {
		wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT,
				       "anchor rect size must not be negative");
		return;
	}
	p->anchor_rect = (struct gfx_rect){ clamp_coord(x), clamp_coord(y),
					    (uint32_t)clamp_size(w), (uint32_t)clamp_size(h) };
	p->has_anchor_rect = true;
}

static void positioner_set_anchor(struct wl_client *c, struct wl_resource *r, uint32_t anchor)
{
	struct positioner *p = wl_resource_get_user_data(r);

	if (anchor > XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT) {
		wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT, "bad anchor");
		return;
	}
	p->anchor = anchor;
}

static void positioner_set_gravity(struct wl_client *c, struct wl_resource *r, uint32_t gravity)
{
	struct positioner *p = wl_resource_get_user_data(r);

	if (gravity > XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT) {
		wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT, "bad gravity");
		return;
	}
	p->gravity = gravity;
}

static void positioner_set_constraint_adjustment(struct wl_client *c, struct wl_resource *r,
						 uint32_t adj)
{
	((struct positioner *)wl_resource_get_user_data(r))->constraint = adj;
}

static void positioner_set_offset(struct wl_client *c, struct wl_resource *r, int32_t x, int32_t y)
{
	struct positioner *p = wl_resource_get_user_data(r);

	p->off_x = clamp_coord(x);
	p->off_y = clamp_coord(y);
}

static void positioner_set_reactive(struct wl_client *c, struct wl_resource *r) {}
static void positioner_set_parent_size(struct wl_client *c, struct wl_resource *r,
				       int32_t w, int32_t h) {}
static void positioner_set_parent_configure(struct wl_client *c, struct wl_resource *r,
					    uint32_t serial) {}

static const struct xdg_positioner_interface positioner_impl = {
	.destroy = positioner_destroy,
	.set_size = positioner_set_size,
	.set_anchor_rect = positioner_set_anchor_rect,
	.set_anchor = positioner_set_anchor,
	.set_gravity = positioner_set_gravity,
	.set_constraint_adjustment = positioner_set_constraint_adjustment,
	.set_offset = positioner_set_offset,
	.set_reactive = positioner_set_reactive,
	.set_parent_size = positioner_set_parent_size,
	.set_parent_configure = positioner_set_parent_configure,
};

static void positioner_free(struct wl_resource *r)
{
	free(wl_resource_get_user_data(r));
}

/* Popup geometry relative to the parent's window geometry. */
static void positioner_place(const struct positioner *p, int32_t parent_ox, int32_t parent_oy,
			     int32_t out_w, int32_t out_h, int32_t *rx, int32_t *ry)
{
	const struct gfx_rect *a = &p->anchor_rect;
	int32_t x = a->x + a->w / 2, y = a->y + a->h / 2;

	switch (p->anchor) {
	case XDG_POSITIONER_ANCHOR_TOP: y = a->y; break;
	case XDG_POSITIONER_ANCHOR_BOTTOM: y = a->y + a->h; break;
	case XDG_POSITIONER_ANCHOR_LEFT: x = a->x; break;
	case XDG_POSITIONER_ANCHOR_RIGHT: x = a->x + a->w; break;
	case XDG_POSITIONER_ANCHOR_TOP_LEFT: x = a->x; y = a->y; break;
	case XDG_POSITIONER_ANCHOR_BOTTOM_LEFT: x = a->x; y = a->y + a->h; break;
	case XDG_POSITIONER_ANCHOR_TOP_RIGHT: x = a->x + a->w; y = a->y; break;
	case XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT: x = a->x + a->w; y = a->y + a->h; break;
	}
	switch (p->gravity) {
	case XDG_POSITIONER_GRAVITY_TOP: x -= p->w / 2; y -= p->h; break;
	case XDG_POSITIONER_GRAVITY_BOTTOM: x -= p->w / 2; break;
	case XDG_POSITIONER_GRAVITY_LEFT: x -= p->w; y -= p->h / 2; break;
	case XDG_POSITIONER_GRAVITY_RIGHT: y -= p->h / 2; break;
	case XDG_POSITIONER_GRAVITY_TOP_LEFT: x -= p->w; y -= p->h; break;
	case XDG_POSITIONER_GRAVITY_BOTTOM_LEFT: x -= p->w; break;
	case XDG_POSITIONER_GRAVITY_TOP_RIGHT: y -= p->h; break;
	case XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT: break;
	default: x -= p->w / 2; y -= p->h / 2; break;
	}
	x += p->off_x;
	y += p->off_y;
	/* Keep it on the output when the client allows sliding. */
	if (p->constraint & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X) {
		if (parent_ox + x + p->w > out_w)
			x = out_w - p->w - parent_ox;
		if (parent_ox + x < 0)
			x = -parent_ox;
	}
	if (p->constraint & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y) {
		if (parent_oy + y + p->h > out_h)
			y = out_h - p->h - parent_oy;
		if (parent_oy + y < 0)
			y = -parent_oy;
	}
	*rx = x;
	*ry = y;
}

/* ---- toplevel ---- */

static void focus_next(struct server *s, struct toplevel *except)
{
	struct toplevel *t;

	wl_list_for_each(t, &s->toplevels, link) {
		if (t != except && t->mapped) {
			seat_focus_toplevel(s, t);
			return;
		}
	}
	seat_focus_toplevel(s, NULL);
}

static void toplevel_unmap(struct toplevel *t)
{
	struct server *s = t->server;

	if (!t->mapped)
		return;
	t->mapped = false;
	if (s->seat.grab == t)
		s->seat.grab = NULL;
	if (s->seat.keyboard_focus == t->xdg->surface)
		focus_next(s, t);
	output_schedule_repaint(s);
}

static void toplevel_free(struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t)
		return;
	toplevel_unmap(t);
	if (t->frame_drawn)
		output_damage_rect(t->server, t->last_frame.x, t->last_frame.y,
				   t->last_frame.w, t->last_frame.h);
	decoration_toplevel_destroyed(t);
	wl_list_remove(&t->link);
	if (t->xdg) {
		t->xdg->toplevel = NULL;
		t->xdg->surface->role_data = NULL;
	}
	free(t->title);
	free(t->app_id);
	free(t);
}

static void toplevel_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void toplevel_set_parent(struct wl_client *c, struct wl_resource *r, struct wl_resource *p) {}

static void toplevel_set_title(struct wl_client *c, struct wl_resource *r, const char *title)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;
	char *d = strdup(title);

	if (!d)
		return;
	free(t->title);
	t->title = d;
}

static void toplevel_set_app_id(struct wl_client *c, struct wl_resource *r, const char *id)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;
	char *d = strdup(id);

	if (!d)
		return;
	free(t->app_id);
	t->app_id = d;
}

static void toplevel_show_window_menu(struct wl_client *c, struct wl_resource *r,
				      struct wl_resource *seat, uint32_t serial, int32_t x, int32_t y) {}

static void toplevel_move(struct wl_client *c, struct wl_resource *r, struct wl_resource *seat,
			  uint32_t serial)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;

	if (t->mapped && !t->maximized && !t->fullscreen)
		seat_start_move(t->server, t);
}

static void toplevel_resize(struct wl_client *c, struct wl_resource *r, struct wl_resource *seat,
			    uint32_t serial, uint32_t edges)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;
	if (edges > XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM_RIGHT) {
		wl_resource_post_error(r, XDG_TOPLEVEL_ERROR_INVALID_RESIZE_EDGE, "bad edges %u", edges);
		return;
	}
	if (t->mapped)
		seat_start_resize(t->server, t, edges);
}

static void toplevel_set_max_size(struct wl_client *c, struct wl_resource *r, int32_t w, int32_t h)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;

	if (w < 0 || h < 0) {
		wl_resource_post_error(r, XDG_TOPLEVEL_ERROR_INVALID_SIZE, "negative max size");
		return;
	}
	t->max_w = w;
	t->max_h = h;
}

static void toplevel_set_min_size(struct wl_client *c, struct wl_resource *r, int32_t w, int32_t h)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;

	if (w < 0 || h < 0) {
		wl_resource_post_error(r, XDG_TOPLEVEL_ERROR_INVALID_SIZE, "negative min size");
		return;
	}
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
	output_schedule_repaint(t->server);
}

static void toplevel_set_maximized(struct wl_client *c, struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;
	set_state(t, &t->maximized, true);
}

static void toplevel_unset_maximized(struct wl_client *c, struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;
	set_state(t, &t->maximized, false);
}

static void toplevel_set_fullscreen(struct wl_client *c, struct wl_resource *r,
				    struct wl_resource *output)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;
	set_state(t, &t->fullscreen, true);
}

static void toplevel_unset_fullscreen(struct wl_client *c, struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t || !t->xdg)
		return;
	set_state(t, &t->fullscreen, false);
}

static void toplevel_set_minimized(struct wl_client *c, struct wl_resource *r) {}

static const struct xdg_toplevel_interface toplevel_impl = {
	.destroy = toplevel_destroy,
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

/* ---- popup ---- */

static void popup_unmap(struct popup *p)
{
	if (!p->mapped)
		return;
	p->mapped = false;
	if (p->xdg)
		seat_popup_gone(p->xdg->surface->server, p->xdg->surface, p->parent);
	output_schedule_repaint(p->xdg ? p->xdg->surface->server : NULL);
}

static void popup_parent_destroyed(struct wl_listener *l, void *data)
{
	struct popup *p = container_of(l, struct popup, parent_destroy);

	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	p->parent = NULL;
	if (p->mapped) {
		p->mapped = false;
		if (p->xdg)
			seat_popup_gone(p->xdg->surface->server, p->xdg->surface, NULL);
		xdg_popup_send_popup_done(p->resource);
	}
}

static void popup_free(struct wl_resource *r)
{
	struct popup *p = wl_resource_get_user_data(r);

	if (!p)
		return;
	if (p->xdg) {
		popup_unmap(p);
		p->xdg->popup = NULL;
		p->xdg->surface->role_data = NULL;
	}
	wl_list_remove(&p->parent_destroy.link);
	wl_list_remove(&p->link);
	free(p);
}

static void popup_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void popup_grab(struct wl_client *c, struct wl_resource *r, struct wl_resource *seat,
		       uint32_t serial)
{
	struct popup *p = wl_resource_get_user_data(r);

	if (p)
		p->grab = true;
}

static void popup_reposition(struct wl_client *c, struct wl_resource *r,
			     struct wl_resource *positioner, uint32_t token);

static const struct xdg_popup_interface popup_impl = {
	.destroy = popup_destroy,
	.grab = popup_grab,
	.reposition = popup_reposition,
};

static void popup_configure(struct popup *p, struct positioner *pos)
{
	struct server *s = p->xdg->surface->server;
	int32_t ox = 0, oy = 0;

	if (p->parent && surface_output_pos(p->parent, &ox, &oy) && p->parent->xdg) {
		struct gfx_rect pg = xdg_geometry(p->parent->xdg);
		ox += pg.x;
		oy += pg.y;
	}
	positioner_place(pos, ox, oy, s->output.width, s->output.height, &p->x, &p->y);
	p->w = pos->w;
	p->h = pos->h;
	xdg_popup_send_configure(p->resource, p->x, p->y, pos->w, pos->h);
	send_xdg_configure(p->xdg);
}

static void popup_reposition(struct wl_client *c, struct wl_resource *r,
			     struct wl_resource *positioner, uint32_t token)
{
	struct popup *p = wl_resource_get_user_data(r);
	struct positioner *pos = wl_resource_get_user_data(positioner);

	if (!p || !p->xdg)
		return;
	xdg_popup_send_repositioned(r, token);
	popup_configure(p, pos);
	output_schedule_repaint(p->xdg->surface->server);
}

void popup_dismiss_all(struct server *s, struct wl_client *except)
{
	struct popup *p, *tmp;

	/* Top first, as the protocol asks. */
	wl_list_for_each_reverse_safe(p, tmp, &s->popups, link) {
		if (!p->mapped || !p->grab)
			continue;
		if (except && wl_resource_get_client(p->resource) == except)
			continue;
		if (p->xdg)
			seat_popup_gone(s, p->xdg->surface, p->parent);
		p->mapped = false;
		xdg_popup_send_popup_done(p->resource);
		output_schedule_repaint(s);
	}
}

/* ---- xdg_surface ---- */

static void xdg_surface_destroy(struct wl_client *c, struct wl_resource *r)
{
	struct xdg_surface *x = wl_resource_get_user_data(r);

	if (x && (x->toplevel || x->popup)) {
		wl_resource_post_error(r, XDG_SURFACE_ERROR_DEFUNCT_ROLE_OBJECT,
				       "xdg_surface destroyed before its role object");
		return;
	}
	wl_resource_destroy(r);
}

static void detach_role_objects(struct xdg_surface *x)
{
	if (x->toplevel) {
		struct toplevel *t = x->toplevel;
		toplevel_unmap(t);
		t->xdg = NULL;
		wl_resource_set_user_data(t->resource, NULL);
		decoration_toplevel_destroyed(t);
		wl_list_remove(&t->link);
		free(t->title);
		free(t->app_id);
		free(t);
		x->toplevel = NULL;
	}
	if (x->popup) {
		struct popup *p = x->popup;
		popup_unmap(p);
		wl_resource_set_user_data(p->resource, NULL);
		wl_list_remove(&p->parent_destroy.link);
		wl_list_remove(&p->link);
		free(p);
		x->popup = NULL;
	}
}

static void xdg_surface_free(struct wl_resource *r)
{
	struct xdg_surface *x = wl_resource_get_user_data(r);

	if (!x)
		return;
	detach_role_objects(x);
	if (x->surface) {
		x->surface->xdg = NULL;
		x->surface->role_data = NULL;
		wl_list_remove(&x->surface_destroy.link);
	}
	free(x);
}

static void xdg_surface_surface_destroyed(struct wl_listener *l, void *data)
{
	struct xdg_surface *x = container_of(l, struct xdg_surface, surface_destroy);

	/* The client destroyed the wl_surface first: the objects go inert. */
	detach_role_objects(x);
	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	x->surface = NULL;
	wl_resource_set_user_data(x->resource, NULL);
	free(x);
}

static void xdg_surface_get_toplevel(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct xdg_surface *x = wl_resource_get_user_data(r);
	struct toplevel *t;

	if (!x)
		return;
	if (x->toplevel || x->popup) {
		wl_resource_post_error(r, XDG_SURFACE_ERROR_ALREADY_CONSTRUCTED, "already has a role");
		return;
	}
	if (!surface_set_role(x->surface, ROLE_XDG_TOPLEVEL, x, r, XDG_WM_BASE_ERROR_ROLE))
		return;
	t = calloc(1, sizeof(*t));
	if (!t) {
		wl_client_post_no_memory(c);
		return;
	}
	t->resource = wl_resource_create(c, &xdg_toplevel_interface, wl_resource_get_version(r), id);
	if (!t->resource) {
		free(t);
		wl_client_post_no_memory(c);
		return;
	}
	t->xdg = x;
	t->server = x->surface->server;
	wl_list_insert(&t->server->toplevels, &t->link);
	x->toplevel = t;
	wl_resource_set_implementation(t->resource, &toplevel_impl, t, toplevel_free);
	if (wl_resource_get_version(t->resource) >= XDG_TOPLEVEL_WM_CAPABILITIES_SINCE_VERSION) {
		struct wl_array caps;
		uint32_t *cap;
		wl_array_init(&caps);
		if ((cap = wl_array_add(&caps, sizeof(*cap))))
			*cap = XDG_TOPLEVEL_WM_CAPABILITIES_MAXIMIZE;
		if ((cap = wl_array_add(&caps, sizeof(*cap))))
			*cap = XDG_TOPLEVEL_WM_CAPABILITIES_FULLSCREEN;
		xdg_toplevel_send_wm_capabilities(t->resource, &caps);
		wl_array_release(&caps);
	}
}

static void xdg_surface_get_popup(struct wl_client *c, struct wl_resource *r, uint32_t id,
				  struct wl_resource *parent, struct wl_resource *positioner)
{
	struct xdg_surface *x = wl_resource_get_user_data(r);
	struct positioner *pos = wl_resource_get_user_data(positioner);
	struct popup *p;

	if (!x)
		return;
	if (x->toplevel || x->popup) {
		wl_resource_post_error(r, XDG_SURFACE_ERROR_ALREADY_CONSTRUCTED, "already has a role");
		return;
	}
	if (!pos->has_size || !pos->has_anchor_rect) {
		wl_resource_post_error(r, XDG_WM_BASE_ERROR_INVALID_POSITIONER,
				       "positioner needs a size and an anchor rectangle");
		return;
	}
	if (parent) {
		struct xdg_surface *px = wl_resource_get_user_data(parent);
		int depth = 0;
		for (struct surface *ps = px ? px->surface : NULL;
		     ps && ps->role == ROLE_XDG_POPUP && ps->xdg && ps->xdg->popup && depth <= MAX_NESTING;
		     ps = ps->xdg->popup->parent)
			depth++;
		if (depth >= MAX_NESTING) {
			wl_resource_post_error(r, XDG_WM_BASE_ERROR_INVALID_POPUP_PARENT,
					       "popups nested deeper than %d", MAX_NESTING);
			return;
		}
	}
	if (!surface_set_role(x->surface, ROLE_XDG_POPUP, x, r, XDG_WM_BASE_ERROR_ROLE))
		return;
	p = calloc(1, sizeof(*p));
	if (!p) {
		wl_client_post_no_memory(c);
		return;
	}
	p->resource = wl_resource_create(c, &xdg_popup_interface, wl_resource_get_version(r), id);
	if (!p->resource) {
		free(p);
		wl_client_post_no_memory(c);
		return;
	}
	p->xdg = x;
	wl_list_init(&p->parent_destroy.link);
	if (parent) {
		struct xdg_surface *px = wl_resource_get_user_data(parent);
		if (px && px->surface) {
			p->parent = px->surface;
			p->parent_destroy.notify = popup_parent_destroyed;
			wl_signal_add(&px->surface->destroy_signal, &p->parent_destroy);
		}
	}
	wl_list_insert(x->surface->server->popups.prev, &p->link);
	x->popup = p;
	wl_resource_set_implementation(p->resource, &popup_impl, p, popup_free);
	/* Place it now: the positioner may be gone by the initial commit. */
	int32_t ox = 0, oy = 0;
	if (p->parent && surface_output_pos(p->parent, &ox, &oy) && p->parent->xdg) {
		struct gfx_rect pg = xdg_geometry(p->parent->xdg);
		ox += pg.x;
		oy += pg.y;
	}
	positioner_place(pos, ox, oy, x->surface->server->output.width,
			 x->surface->server->output.height, &p->x, &p->y);
	p->w = pos->w;
	p->h = pos->h;
}

static void xdg_surface_set_window_geometry(struct wl_client *c, struct wl_resource *r,
					    int32_t x, int32_t y, int32_t w, int32_t h)
{
	struct xdg_surface *xs = wl_resource_get_user_data(r);

	if (!xs)
		return;
	if (w <= 0 || h <= 0) {
		wl_resource_post_error(r, XDG_SURFACE_ERROR_INVALID_SIZE, "geometry size must be positive");
		return;
	}
	xs->pending_geometry = (struct gfx_rect){ clamp_coord(x), clamp_coord(y),
						  (uint32_t)clamp_size(w), (uint32_t)clamp_size(h) };
	xs->pending_has_geometry = true;
}

static void xdg_surface_ack_configure(struct wl_client *c, struct wl_resource *r, uint32_t serial)
{
	struct xdg_surface *x = wl_resource_get_user_data(r);

	if (!x)
		return;
	if (!x->toplevel && !x->popup) {
		wl_resource_post_error(r, XDG_SURFACE_ERROR_NOT_CONSTRUCTED, "no role yet");
		return;
	}
	x->configured = true;
}

static const struct xdg_surface_interface xdg_surface_impl = {
	.destroy = xdg_surface_destroy,
	.get_toplevel = xdg_surface_get_toplevel,
	.get_popup = xdg_surface_get_popup,
	.set_window_geometry = xdg_surface_set_window_geometry,
	.ack_configure = xdg_surface_ack_configure,
};

/* Called by wl_surface.commit before the state is applied. */
void xdg_surface_precommit_check(struct surface *s, bool *ok)
{
	struct xdg_surface *x = xdg_from_surface(s);

	if (!x || !x->resource)
		return;
	if ((x->toplevel || x->popup) && !x->configured && s->pending.new_buffer && s->pending.buffer) {
		wl_resource_post_error(x->resource, XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER,
				       "buffer attached before the first ack_configure");
		*ok = false;
	}
}

static void place_toplevel(struct toplevel *t)
{
	struct server *s = t->server;
	int k = s->next_place++ % PLACE_SLOTS;

	t->x = PLACE_X + PLACE_STEP * k;
	t->y = PLACE_Y + PLACE_STEP * k;
}

void xdg_surface_commit(struct surface *s)
{
	struct xdg_surface *x = xdg_from_surface(s);

	if (!x)
		return;
	if (x->pending_has_geometry) {
		x->geometry = x->pending_geometry;
		x->has_geometry = true;
	}
	if (!x->initial_commit_done) {
		x->initial_commit_done = true;
		if (x->toplevel)
			toplevel_send_configure(x->toplevel);
		else if (x->popup) {
			xdg_popup_send_configure(x->popup->resource, x->popup->x, x->popup->y,
						 x->popup->w, x->popup->h);
			send_xdg_configure(x);
		}
		return;
	}
	if (x->toplevel && x->toplevel->mapped && x->toplevel->resizing) {
		/* Resizing from the left or top: the opposite edge stays put. */
		struct toplevel *t = x->toplevel;
		struct gfx_rect g = toplevel_geometry(t);
		if (t->resize_edges & XDG_TOPLEVEL_RESIZE_EDGE_LEFT)
			t->x = t->anchor_x - (int32_t)g.w;
		if (t->resize_edges & XDG_TOPLEVEL_RESIZE_EDGE_TOP)
			t->y = t->anchor_y - (int32_t)g.h;
	}
	if (x->toplevel) {
		struct toplevel *t = x->toplevel;
		if (s->bo && !t->mapped && x->configured) {
			if (!t->maximized && !t->fullscreen)
				place_toplevel(t);
			t->mapped = true;
			struct gfx_rect g = toplevel_geometry(t);
			log_msg("map toplevel '%s' at %d,%d size %ux%u%s", t->title ? t->title : "",
				t->x, t->y, g.w, g.h, t->ssd ? " (server-side title bar)" : "");
			wl_list_remove(&t->link);
			wl_list_insert(&s->server->toplevels, &t->link);
			seat_focus_toplevel(s->server, t);
			seat_repick(s->server);
		} else if (!s->bo && t->mapped) {
			toplevel_unmap(t);
			x->initial_commit_done = false;
			x->configured = false;
		}
	} else if (x->popup) {
		struct popup *p = x->popup;
		if (s->bo && !p->mapped && x->configured && p->parent) {
			p->mapped = true;
			if (p->grab)
				seat_focus_popup(s->server, s);
			seat_repick(s->server);
		} else if (!s->bo && p->mapped) {
			popup_unmap(p);
		}
	}
	output_schedule_repaint(s->server);
}

/* ---- xdg_wm_base ---- */

static void wm_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void wm_create_positioner(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct positioner *p = calloc(1, sizeof(*p));
	struct wl_resource *res;

	if (!p) {
		wl_client_post_no_memory(c);
		return;
	}
	res = wl_resource_create(c, &xdg_positioner_interface, wl_resource_get_version(r), id);
	if (!res) {
		free(p);
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(res, &positioner_impl, p, positioner_free);
}

static void wm_get_xdg_surface(struct wl_client *c, struct wl_resource *r, uint32_t id,
			       struct wl_resource *surface_res)
{
	struct surface *s = surface_from_resource(surface_res);
	struct xdg_surface *x;

	if (s->xdg || (s->role != ROLE_NONE && s->role != ROLE_XDG_TOPLEVEL &&
		       s->role != ROLE_XDG_POPUP)) {
		wl_resource_post_error(r, XDG_WM_BASE_ERROR_ROLE, "surface already has a role");
		return;
	}
	if (s->bo || (s->pending.new_buffer && s->pending.buffer)) {
		wl_resource_post_error(r, XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER,
				       "surface already has a buffer");
		return;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		wl_client_post_no_memory(c);
		return;
	}
	x->resource = wl_resource_create(c, &xdg_surface_interface, wl_resource_get_version(r), id);
	if (!x->resource) {
		free(x);
		wl_client_post_no_memory(c);
		return;
	}
	x->surface = s;
	s->xdg = x;
	x->surface_destroy.notify = xdg_surface_surface_destroyed;
	wl_signal_add(&s->destroy_signal, &x->surface_destroy);
	wl_resource_set_implementation(x->resource, &xdg_surface_impl, x, xdg_surface_free);
}

static void wm_pong(struct wl_client *c, struct wl_resource *r, uint32_t serial) {}

static const struct xdg_wm_base_interface wm_impl = {
	.destroy = wm_destroy,
	.create_positioner = wm_create_positioner,
	.get_xdg_surface = wm_get_xdg_surface,
	.pong = wm_pong,
};

static void wm_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &xdg_wm_base_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &wm_impl, data, NULL);
}

void xdg_shell_init(struct server *s)
{
	wl_global_create(s->display, &xdg_wm_base_interface, WM_BASE_VERSION, s, wm_bind);
}
