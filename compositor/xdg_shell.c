/* SPDX-License-Identifier: MIT */
/*
 * xdg_shell.c - xdg_wm_base, xdg_positioner and xdg_surface: what toplevels
 * and popups share (the window geometry, configure and its ack). The roles
 * themselves are xdg_toplevel.c and xdg_popup.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "seat.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"
#include "xdg-shell-server-protocol.h"


struct positioner {
	int32_t w, h;
	struct gfx_rect anchor_rect;
	bool has_size, has_anchor_rect;
	uint32_t anchor, gravity, constraint;
	int32_t off_x, off_y;
};

/* ---- xdg_surface, shared by both roles ---- */

struct xdg_surface *xdg_surface_from_surface(struct surface *s)
{
	return s ? s->xdg : NULL;
}

struct gfx_rect xdg_surface_geometry(struct xdg_surface *x)
{
	if (x->has_geometry && x->geometry.w > 0 && x->geometry.h > 0)
		return x->geometry;
	return (struct gfx_rect){ 0, 0, x->surface->width, x->surface->height };
}

uint32_t xdg_surface_send_configure_serial(struct xdg_surface *x)
{
	uint32_t serial = wl_display_next_serial(x->surface->server->display);

	x->configure_serial = serial;
	xdg_surface_send_configure(x->resource, serial);
	return serial;
}

struct toplevel *toplevel_from_surface(struct surface *s)
{
	/* Up through popups and subsurfaces (their parents are bounded by MAX_NESTING). */
	for (int depth = 0; s && depth <= 2 * MAX_NESTING; depth++) {
		struct xdg_surface *x = xdg_surface_from_surface(s);

		if (x && x->toplevel)
			return x->toplevel;
		s = surface_parent(s);
	}
	return NULL;
}

bool xdg_surface_precommit(struct surface *s)
{
	struct xdg_surface *x = xdg_surface_from_surface(s);

	if (!x || !x->resource)
		return true;
	if ((x->toplevel || x->popup) && !x->configured && s->pending.new_buffer && s->pending.buffer &&
	    !s->server->buffer_before_first_ack) {
		wl_resource_post_error(x->resource, XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER,
				       "buffer attached before the first ack_configure");
		return false;
	}
	return true;
}

bool xdg_surface_may_map(struct xdg_surface *x)
{
	return x->configured || x->surface->server->buffer_before_first_ack;
}

bool xdg_surface_commit_common(struct surface *s)
{
	struct xdg_surface *x = xdg_surface_from_surface(s);

	if (x->pending_has_geometry) {
		x->geometry = x->pending_geometry;
		x->has_geometry = true;
	}
	if (x->initial_commit_done)
		return false;
	x->initial_commit_done = true;
	return true;
}

static void xdg_surface_destroy_req(struct wl_client *c, struct wl_resource *r)
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
	if (x->toplevel)
		toplevel_detach(x->toplevel);
	if (x->popup)
		popup_detach(x->popup);
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

	if (!x)
		return;
	if (x->toplevel || x->popup) {
		wl_resource_post_error(r, XDG_SURFACE_ERROR_ALREADY_CONSTRUCTED, "already has a role");
		return;
	}
	toplevel_create(x, r, id);
}

/* Popups on popups: refused deeper than MAX_NESTING (placement recurses). */
static bool popup_parent_too_deep(struct wl_resource *parent)
{
	struct xdg_surface *px = wl_resource_get_user_data(parent);
	struct surface *ps = px ? px->surface : NULL;
	int depth = 0;

	for (struct popup *p; (p = popup_from_surface(ps)) && depth <= MAX_NESTING; ps = p->parent)
		depth++;
	return depth >= MAX_NESTING;
}

static void xdg_surface_get_popup(struct wl_client *c, struct wl_resource *r, uint32_t id,
				  struct wl_resource *parent, struct wl_resource *positioner)
{
	struct xdg_surface *x = wl_resource_get_user_data(r);
	struct positioner *pos = wl_resource_get_user_data(positioner);

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
	if (parent && popup_parent_too_deep(parent)) {
		wl_resource_post_error(r, XDG_WM_BASE_ERROR_INVALID_POPUP_PARENT,
				       "popups nested deeper than %d", MAX_NESTING);
		return;
	}
	popup_create(x, r, id, parent, pos);
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
	.destroy = xdg_surface_destroy_req,
	.get_toplevel = xdg_surface_get_toplevel,
	.get_popup = xdg_surface_get_popup,
	.set_window_geometry = xdg_surface_set_window_geometry,
	.ack_configure = xdg_surface_ack_configure,
};

/* ---- xdg_positioner ---- */

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

/* The anchor point on the anchor rectangle. */
static void anchor_point(const struct positioner *p, int32_t *x, int32_t *y)
{
	const struct gfx_rect *a = &p->anchor_rect;
	int32_t l = a->x, t = a->y, r = a->x + (int32_t)a->w, b = a->y + (int32_t)a->h;

	*x = a->x + (int32_t)a->w / 2;
	*y = a->y + (int32_t)a->h / 2;
	switch (p->anchor) {
	case XDG_POSITIONER_ANCHOR_TOP: *y = t; break;
	case XDG_POSITIONER_ANCHOR_BOTTOM: *y = b; break;
	case XDG_POSITIONER_ANCHOR_LEFT: *x = l; break;
	case XDG_POSITIONER_ANCHOR_RIGHT: *x = r; break;
	case XDG_POSITIONER_ANCHOR_TOP_LEFT: *x = l; *y = t; break;
	case XDG_POSITIONER_ANCHOR_BOTTOM_LEFT: *x = l; *y = b; break;
	case XDG_POSITIONER_ANCHOR_TOP_RIGHT: *x = r; *y = t; break;
	case XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT: *x = r; *y = b; break;
	}
}

/* The popup's top-left corner, from the anchor point and the gravity. */
static void apply_gravity(const struct positioner *p, int32_t *x, int32_t *y)
{
	switch (p->gravity) {
	case XDG_POSITIONER_GRAVITY_TOP: *x -= p->w / 2; *y -= p->h; break;
	case XDG_POSITIONER_GRAVITY_BOTTOM: *x -= p->w / 2; break;
	case XDG_POSITIONER_GRAVITY_LEFT: *x -= p->w; *y -= p->h / 2; break;
	case XDG_POSITIONER_GRAVITY_RIGHT: *y -= p->h / 2; break;
	case XDG_POSITIONER_GRAVITY_TOP_LEFT: *x -= p->w; *y -= p->h; break;
	case XDG_POSITIONER_GRAVITY_BOTTOM_LEFT: *x -= p->w; break;
	case XDG_POSITIONER_GRAVITY_TOP_RIGHT: *y -= p->h; break;
	case XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT: break;
	default: *x -= p->w / 2; *y -= p->h / 2; break;
	}
}

/* Slide v (relative to origin o) so that [v, v + size) stays within [0, limit). */
static int32_t slide(int32_t v, int32_t o, int32_t size, int32_t limit)
{
	if (o + v + size > limit)
		v = limit - size - o;
	if (o + v < 0)
		v = -o;
	return v;
}

void positioner_place(const struct positioner *p, int32_t parent_ox, int32_t parent_oy,
		      int32_t out_w, int32_t out_h, int32_t *rx, int32_t *ry, int32_t *w, int32_t *h)
{
	int32_t x, y;

	anchor_point(p, &x, &y);
	apply_gravity(p, &x, &y);
	x += p->off_x;
	y += p->off_y;
	/* Keep it on the output when the client allows sliding. */
	if (p->constraint & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X)
		x = slide(x, parent_ox, p->w, out_w);
	if (p->constraint & XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y)
		y = slide(y, parent_oy, p->h, out_h);
	*rx = x;
	*ry = y;
	*w = p->w;
	*h = p->h;
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

	if (s->xdg || (s->role && s->role != &xdg_toplevel_role && s->role != &xdg_popup_role)) {
		wl_resource_post_error(r, XDG_WM_BASE_ERROR_ROLE, "surface already has a role");
		return;
	}
	if (s->bo || (s->pending.new_buffer && s->pending.buffer)) {
		wl_resource_post_error(r, XDG_WM_BASE_ERROR_INVALID_SURFACE_STATE,
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
