/* SPDX-License-Identifier: MIT */
/*
 * viewporter.c - wp_viewporter: crop (source rectangle) and scale
 * (destination size) of a surface, drawn with the GPU's stretch blit.
 */
#include <stdlib.h>

#include "core.h"
#include "surface.h"
#include "util.h"
#include "viewporter.h"
#include "viewporter-server-protocol.h"

static void viewport_destroy_req(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void viewport_free(struct wl_resource *r)
{
	struct surface *s = wl_resource_get_user_data(r);

	if (!s)
		return;
	s->viewport = NULL;
	s->pending.src_w = -1;
	s->pending.dst_w = -1;
}

static void viewport_set_source(struct wl_client *c, struct wl_resource *r, wl_fixed_t x,
				wl_fixed_t y, wl_fixed_t w, wl_fixed_t h)
{
	struct surface *s = wl_resource_get_user_data(r);

	if (!s) {
		wl_resource_post_error(r, WP_VIEWPORT_ERROR_NO_SURFACE, "the surface is gone");
		return;
	}
	if (x == wl_fixed_from_int(-1) && y == x && w == x && h == x) {
		s->pending.src_w = -1;
		return;
	}
	if (x < 0 || y < 0 || w <= 0 || h <= 0) {
		wl_resource_post_error(r, WP_VIEWPORT_ERROR_BAD_VALUE, "bad source rectangle");
		return;
	}
	s->pending.src_x = x;
	s->pending.src_y = y;
	s->pending.src_w = w;
	s->pending.src_h = h;
}

static void viewport_set_destination(struct wl_client *c, struct wl_resource *r,
				     int32_t w, int32_t h)
{
	struct surface *s = wl_resource_get_user_data(r);

	if (!s) {
		wl_resource_post_error(r, WP_VIEWPORT_ERROR_NO_SURFACE, "the surface is gone");
		return;
	}
	if (w == -1 && h == -1) {
		s->pending.dst_w = -1;
		return;
	}
	if (w <= 0 || h <= 0 || w > SIZE_MAX_PX || h > SIZE_MAX_PX) {
		wl_resource_post_error(r, WP_VIEWPORT_ERROR_BAD_VALUE, "bad destination size");
		return;
	}
	s->pending.dst_w = w;
	s->pending.dst_h = h;
}

static const struct wp_viewport_interface viewport_impl = {
	.destroy = viewport_destroy_req,
	.set_source = viewport_set_source,
	.set_destination = viewport_set_destination,
};

bool viewport_validate(struct surface *s, struct surface_state *st, uint32_t buf_w, uint32_t buf_h)
{
	if (st->src_w < 0)
		return true;	/* no crop: any buffer fits */
	if (st->dst_w < 0 && (wl_fixed_to_int(st->src_w) * 256 != st->src_w ||
			      wl_fixed_to_int(st->src_h) * 256 != st->src_h)) {
		wl_resource_post_error(s->viewport ? s->viewport : s->resource,
				       WP_VIEWPORT_ERROR_BAD_SIZE,
				       "non-integer source size without a destination");
		return false;
	}
	int64_t scale = st->scale;
	if ((int64_t)st->src_x + st->src_w > (int64_t)wl_fixed_from_int(buf_w) / scale ||
	    (int64_t)st->src_y + st->src_h > (int64_t)wl_fixed_from_int(buf_h) / scale) {
		wl_resource_post_error(s->viewport ? s->viewport : s->resource,
				       WP_VIEWPORT_ERROR_OUT_OF_BUFFER,
				       "source rectangle outside the buffer");
		return false;
	}
	return true;
}

static void viewport_surface_destroyed(struct wl_listener *l, void *data)
{
	struct surface *s = data;

	if (s->viewport)
		wl_resource_set_user_data(s->viewport, NULL);
	wl_list_remove(&l->link);
	free(l);
}

static void viewporter_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void viewporter_get_viewport(struct wl_client *c, struct wl_resource *r, uint32_t id,
				    struct wl_resource *surface_res)
{
	struct surface *s = surface_from_resource(surface_res);
	struct wl_listener *l;

	if (s->viewport) {
		wl_resource_post_error(r, WP_VIEWPORTER_ERROR_VIEWPORT_EXISTS,
				       "the surface already has a viewport");
		return;
	}
	l = calloc(1, sizeof(*l));
	s->viewport = wl_resource_create(c, &wp_viewport_interface, 1, id);
	if (!s->viewport || !l) {
		free(l);
		s->viewport = NULL;
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(s->viewport, &viewport_impl, s, viewport_free);
	l->notify = viewport_surface_destroyed;
	wl_signal_add(&s->destroy_signal, l);
}

static const struct wp_viewporter_interface viewporter_impl = {
	.destroy = viewporter_destroy,
	.get_viewport = viewporter_get_viewport,
};

static void viewporter_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &wp_viewporter_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &viewporter_impl, data, NULL);
}

void viewporter_init(struct server *s)
{
	wl_global_create(s->display, &wp_viewporter_interface, VIEWPORTER_VERSION, s, viewporter_bind);
}
