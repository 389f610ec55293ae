/* SPDX-License-Identifier: MIT */
/*
 * decoration.c - zxdg_decoration_manager_v1 (decoration.h). We prefer
 * server-side title bars (drawn with GPU fills in render.c) and honour a
 * client that asks to draw its own. Clients that never ask draw their own,
 * as the protocol says.
 */
#include <stdlib.h>

#include "core.h"
#include "decoration.h"
#include "repaint.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"
#include "xdg-shell-server-protocol.h"
#include "xdg-decoration-unstable-v1-server-protocol.h"

struct decoration {
	struct wl_resource *resource;
	struct toplevel *toplevel;	/* NULL once it is gone */
	struct wl_listener toplevel_destroy;
};

static void decoration_set(struct decoration *d, uint32_t mode)
{
	struct toplevel *t = d->toplevel;
	bool ssd = mode == ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE;

	zxdg_toplevel_decoration_v1_send_configure(d->resource, mode);
	if (t->ssd != ssd) {
		t->ssd = ssd;
		repaint_schedule(t->server);
	}
	if (t->xdg && t->xdg->initial_commit_done)
		toplevel_send_configure(t);
}

static void toplevel_destroyed(struct wl_listener *l, void *data)
{
	struct decoration *d = container_of(l, struct decoration, toplevel_destroy);

	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	d->toplevel = NULL;
}

static void decoration_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void decoration_free(struct wl_resource *r)
{
	struct decoration *d = wl_resource_get_user_data(r);

	if (d->toplevel) {
		d->toplevel->ssd = false;
		d->toplevel->has_decoration = false;
		repaint_schedule(d->toplevel->server);
	}
	wl_list_remove(&d->toplevel_destroy.link);
	free(d);
}

static void decoration_set_mode(struct wl_client *c, struct wl_resource *r, uint32_t mode)
{
	struct decoration *d = wl_resource_get_user_data(r);

	if (!d->toplevel)
		return;
	if (mode != ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE &&
	    mode != ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE) {
		wl_resource_post_error(r, WL_DISPLAY_ERROR_INVALID_METHOD, "bad mode %u", mode);
		return;
	}
	decoration_set(d, mode);
}

static void decoration_unset_mode(struct wl_client *c, struct wl_resource *r)
{
	struct decoration *d = wl_resource_get_user_data(r);

	if (d->toplevel)
		decoration_set(d, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

static const struct zxdg_toplevel_decoration_v1_interface decoration_impl = {
	.destroy = decoration_destroy,
	.set_mode = decoration_set_mode,
	.unset_mode = decoration_unset_mode,
};

static void manager_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static bool check_toplevel(struct wl_resource *r, struct toplevel *t)
{
	if (!t || !t->xdg) {
		wl_resource_post_error(r, ZXDG_TOPLEVEL_DECORATION_V1_ERROR_ORPHANED,
				       "the toplevel is gone");
		return false;
	}
	if (t->has_decoration) {
		wl_resource_post_error(r, ZXDG_TOPLEVEL_DECORATION_V1_ERROR_ALREADY_CONSTRUCTED,
				       "the toplevel already has a decoration object");
		return false;
	}
	if (toplevel_surface(t)->bo) {
		wl_resource_post_error(r, ZXDG_TOPLEVEL_DECORATION_V1_ERROR_UNCONFIGURED_BUFFER,
				       "the toplevel already has a buffer");
		return false;
	}
	return true;
}

static void manager_get_toplevel_decoration(struct wl_client *c, struct wl_resource *r,
					    uint32_t id, struct wl_resource *toplevel_res)
{
	struct toplevel *t = wl_resource_get_user_data(toplevel_res);
	struct decoration *d;

	if (!check_toplevel(r, t))
		return;
	d = calloc(1, sizeof(*d));
	if (!d) {
		wl_client_post_no_memory(c);
		return;
	}
	d->resource = wl_resource_create(c, &zxdg_toplevel_decoration_v1_interface,
					 wl_resource_get_version(r), id);
	if (!d->resource) {
		free(d);
		wl_client_post_no_memory(c);
		return;
	}
	d->toplevel = t;
	d->toplevel_destroy.notify = toplevel_destroyed;
	wl_signal_add(&t->destroy, &d->toplevel_destroy);
	t->has_decoration = true;
	wl_resource_set_implementation(d->resource, &decoration_impl, d, decoration_free);
	/* Our preference, until the client says otherwise. */
	decoration_set(d, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

static const struct zxdg_decoration_manager_v1_interface manager_impl = {
	.destroy = manager_destroy,
	.get_toplevel_decoration = manager_get_toplevel_decoration,
};

static void manager_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &zxdg_decoration_manager_v1_interface,
						   version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &manager_impl, data, NULL);
}

void decoration_init(struct server *s)
{
	wl_global_create(s->display, &zxdg_decoration_manager_v1_interface, DECORATION_MANAGER_VERSION, s,
			 manager_bind);
}
