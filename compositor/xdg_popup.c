/* SPDX-License-Identifier: MIT */
/*
 * xdg_popup.c - the popup role: placed by its positioner relative to its
 * parent's window geometry, dismissed (popup_done) by a click outside when
 * it grabs. Maps and unmaps are announced on the core's signals; the seat
 * moves the keyboard focus.
 */
#include <stdlib.h>

#include "core.h"
#include "output.h"
#include "repaint.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"
#include "xdg-shell-server-protocol.h"

static struct popup *role_popup(struct surface *s)
{
	struct xdg_surface *x = xdg_surface_from_surface(s);

	return x ? x->popup : NULL;
}

struct popup *popup_from_surface(struct surface *s)
{
	return surface_has_role(s, &xdg_popup_role) ? role_popup(s) : NULL;
}

bool popup_is_grabbing(struct popup *p)
{
	return p && p->mapped && p->grab;
}

static void popup_unmap(struct popup *p)
{
	if (!p->mapped)
		return;
	p->mapped = false;
	if (p->xdg)
		wl_signal_emit_mutable(&p->xdg->surface->server->events.popup_unmap, p);
	if (p->xdg)
		repaint_schedule(p->xdg->surface->server);
}

/* Place it by the positioner, relative to the parent's window geometry. */
static void popup_place(struct popup *p, struct positioner *pos)
{
	struct output *o = &p->xdg->surface->server->output;
	int32_t ox = 0, oy = 0;

	if (p->parent && surface_output_pos(p->parent, &ox, &oy) && p->parent->xdg) {
		struct gfx_rect pg = xdg_surface_geometry(p->parent->xdg);
		ox += pg.x;
		oy += pg.y;
	}
	positioner_place(pos, ox, oy, o->width, o->height, &p->x, &p->y, &p->w, &p->h);
}

static void popup_send_configure(struct popup *p)
{
	xdg_popup_send_configure(p->resource, p->x, p->y, p->w, p->h);
	xdg_surface_send_configure_serial(p->xdg);
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
		popup_unmap(p);
		xdg_popup_send_popup_done(p->resource);
		repaint_schedule(s);
	}
}

/* ---- role hooks ---- */

static void popup_commit(struct surface *s)
{
	struct popup *p = role_popup(s);

	if (!p)
		return;
	if (xdg_surface_commit_common(s)) {
		popup_send_configure(p);
		if (!s->bo)	/* (a buffer with it: server_config.buffer_before_first_ack) */
			return;
	}
	if (s->bo && !p->mapped && xdg_surface_may_map(p->xdg) && p->parent) {
		p->mapped = true;
		wl_signal_emit_mutable(&s->server->events.popup_map, p);
	}
	repaint_schedule(s->server);
}

static void popup_role_unmap(struct surface *s)
{
	struct popup *p = role_popup(s);

	if (p)
		popup_unmap(p);
}

static bool popup_position(struct surface *s, int32_t *x, int32_t *y)
{
	struct popup *p = role_popup(s);
	struct gfx_rect pg = { 0 }, g;
	int32_t px, py;

	if (!p || !p->parent || !p->mapped || !surface_output_pos(p->parent, &px, &py))
		return false;
	if (p->parent->xdg)
		pg = xdg_surface_geometry(p->parent->xdg);
	g = xdg_surface_geometry(p->xdg);
	*x = px + pg.x + p->x - g.x;
	*y = py + pg.y + p->y - g.y;
	return true;
}

static struct surface *popup_parent(struct surface *s)
{
	struct popup *p = role_popup(s);

	return p ? p->parent : NULL;
}

const struct surface_role xdg_popup_role = {
	.name = "xdg_popup",
	.precommit = xdg_surface_precommit,
	.commit = popup_commit,
	.unmap = popup_role_unmap,
	.position = popup_position,
	.parent = popup_parent,
};

/* ---- the object ---- */

static void popup_parent_destroyed(struct wl_listener *l, void *data)
{
	struct popup *p = container_of(l, struct popup, parent_destroy);

	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	p->parent = NULL;
	if (p->mapped) {
		popup_unmap(p);
		xdg_popup_send_popup_done(p->resource);
	}
}

static void popup_free(struct popup *p)
{
	popup_unmap(p);
	if (p->xdg) {
		p->xdg->popup = NULL;
		p->xdg->surface->role_data = NULL;
	}
	wl_list_remove(&p->parent_destroy.link);
	wl_list_remove(&p->link);
	free(p);
}

static void popup_resource_destroyed(struct wl_resource *r)
{
	struct popup *p = wl_resource_get_user_data(r);

	if (p)
		popup_free(p);
}

void popup_detach(struct popup *p)
{
	wl_resource_set_user_data(p->resource, NULL);
	popup_free(p);
}

static void popup_destroy_req(struct wl_client *c, struct wl_resource *r)
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
			     struct wl_resource *positioner, uint32_t token)
{
	struct popup *p = wl_resource_get_user_data(r);

	if (!p || !p->xdg)
		return;
	xdg_popup_send_repositioned(r, token);
	popup_place(p, wl_resource_get_user_data(positioner));
	popup_send_configure(p);
	repaint_schedule(p->xdg->surface->server);
}

static const struct xdg_popup_interface popup_impl = {
	.destroy = popup_destroy_req,
	.grab = popup_grab,
	.reposition = popup_reposition,
};

static void popup_set_parent(struct popup *p, struct wl_resource *parent)
{
	struct xdg_surface *px = parent ? wl_resource_get_user_data(parent) : NULL;

	wl_list_init(&p->parent_destroy.link);
	if (!px || !px->surface)
		return;
	p->parent = px->surface;
	p->parent_destroy.notify = popup_parent_destroyed;
	wl_signal_add(&px->surface->destroy_signal, &p->parent_destroy);
}

void popup_create(struct xdg_surface *x, struct wl_resource *xdg_res, uint32_t id,
		  struct wl_resource *parent, struct positioner *pos)
{
	struct wl_client *c = wl_resource_get_client(xdg_res);
	struct popup *p;

	if (!surface_set_role(x->surface, &xdg_popup_role, x, xdg_res, XDG_WM_BASE_ERROR_ROLE))
		return;
	p = calloc(1, sizeof(*p));
	if (!p) {
		wl_client_post_no_memory(c);
		return;
	}
	p->resource = wl_resource_create(c, &xdg_popup_interface, wl_resource_get_version(xdg_res), id);
	if (!p->resource) {
		free(p);
		wl_client_post_no_memory(c);
		return;
	}
	p->xdg = x;
	popup_set_parent(p, parent);
	wl_list_insert(x->surface->server->popups.prev, &p->link);
	x->popup = p;
	wl_resource_set_implementation(p->resource, &popup_impl, p, popup_resource_destroyed);
	/* Place it now: the positioner may be gone by the initial commit. */
	popup_place(p, pos);
}
