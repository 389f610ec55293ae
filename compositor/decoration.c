/* SPDX-License-Identifier: MIT */
/*
 * decoration.c - zxdg_decoration_manager_v1. We prefer server-side title
 * bars (drawn with GPU fills in render.c) and honour a client that asks to
 * draw its own. Clients that never ask draw their own, as the protocol says.
 */
#include "server.h"
#include "xdg-shell-server-protocol.h"
#include "xdg-decoration-unstable-v1-server-protocol.h"

static void decoration_set(struct toplevel *t, uint32_t mode)
{
	bool ssd = mode == ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE;

	zxdg_toplevel_decoration_v1_send_configure(t->decoration, mode);
	if (t->ssd != ssd) {
		t->ssd = ssd;
		output_schedule_repaint(t->server);
	}
	if (t->xdg && t->xdg->initial_commit_done)
		toplevel_send_configure(t);
}

static void decoration_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void decoration_free(struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (t) {
		t->decoration = NULL;
		t->ssd = false;
		output_schedule_repaint(t->server);
	}
}

static void decoration_set_mode(struct wl_client *c, struct wl_resource *r, uint32_t mode)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (!t)
		return;
	if (mode != ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE &&
	    mode != ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE) {
		wl_resource_post_error(r, WL_DISPLAY_ERROR_INVALID_METHOD, "bad mode %u", mode);
		return;
	}
	decoration_set(t, mode);
}

static void decoration_unset_mode(struct wl_client *c, struct wl_resource *r)
{
	struct toplevel *t = wl_resource_get_user_data(r);

	if (t)
		decoration_set(t, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

static const struct zxdg_toplevel_decoration_v1_interface decoration_impl = {
	.destroy = decoration_destroy,
	.set_mode = decoration_set_mode,
	.unset_mode = decoration_unset_mode,
};

void decoration_toplevel_destroyed(struct toplevel *t)
{
	if (t->decoration)
		wl_resource_set_user_data(t->decoration, NULL);
	t->decoration = NULL;
}

static void manager_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void manager_get_toplevel_decoration(struct wl_client *c, struct wl_resource *r,
					    uint32_t id, struct wl_resource *toplevel_res)
{
	struct toplevel *t = wl_resource_get_user_data(toplevel_res);
	struct wl_resource *d;

	if (!t || !t->xdg) {
		wl_resource_post_error(r, ZXDG_TOPLEVEL_DECORATION_V1_ERROR_ORPHANED,
				       "the toplevel is gone");
		return;
	}
	if (t->decoration) {
		wl_resource_post_error(r, ZXDG_TOPLEVEL_DECORATION_V1_ERROR_ALREADY_CONSTRUCTED,
				       "the toplevel already has a decoration object");
		return;
	}
	if (t->xdg->surface->bo) {
		wl_resource_post_error(r, ZXDG_TOPLEVEL_DECORATION_V1_ERROR_UNCONFIGURED_BUFFER,
				       "the toplevel already has a buffer");
		return;
	}
	d = wl_resource_create(c, &zxdg_toplevel_decoration_v1_interface,
			       wl_resource_get_version(r), id);
	if (!d) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(d, &decoration_impl, t, decoration_free);
	t->decoration = d;
	/* Our preference, until the client says otherwise. */
	decoration_set(t, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
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
	wl_global_create(s->display, &zxdg_decoration_manager_v1_interface, 1, s, manager_bind);
}
