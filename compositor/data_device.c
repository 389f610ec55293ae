/* SPDX-License-Identifier: MIT */
/*
 * data_device.c - wl_data_device_manager: the clipboard.
 *
 * A client sets the selection with a wl_data_source; the client with
 * keyboard focus gets a wl_data_offer for it, and receive() hands the pipe
 * to the source's owner. Drag and drop is refused (the source is cancelled).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "data_device.h"
#include "seat.h"
#include "surface.h"
#include "util.h"


struct data_source {
	struct wl_resource *resource;
	struct wl_array mime_types;	/* char * */
};

static void source_offer(struct wl_client *c, struct wl_resource *r, const char *mime)
{
	struct data_source *src = wl_resource_get_user_data(r);
	char **p, *d = strdup(mime);

	if (!d || !(p = wl_array_add(&src->mime_types, sizeof(*p)))) {
		free(d);
		wl_client_post_no_memory(c);
		return;
	}
	*p = d;
}

static void source_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void source_set_actions(struct wl_client *c, struct wl_resource *r, uint32_t actions) {}

static const struct wl_data_source_interface source_impl = {
	.offer = source_offer,
	.destroy = source_destroy,
	.set_actions = source_set_actions,
};

static void source_free(struct wl_resource *r)
{
	struct data_source *src = wl_resource_get_user_data(r);
	char **p;

	wl_array_for_each(p, &src->mime_types)
		free(*p);
	wl_array_release(&src->mime_types);
	free(src);
}

/* ---- offers ---- */

static void offer_accept(struct wl_client *c, struct wl_resource *r, uint32_t serial,
			 const char *mime) {}

static void offer_receive(struct wl_client *c, struct wl_resource *r, const char *mime, int32_t fd)
{
	struct wl_resource *source = wl_resource_get_user_data(r);

	/* The offer goes stale when the selection changes. */
	if (source)
		wl_data_source_send_send(source, mime, fd);
	close(fd);
}

static void offer_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void offer_finish(struct wl_client *c, struct wl_resource *r) {}
static void offer_set_actions(struct wl_client *c, struct wl_resource *r, uint32_t a, uint32_t p) {}

static const struct wl_data_offer_interface offer_impl = {
	.accept = offer_accept,
	.receive = offer_receive,
	.destroy = offer_destroy,
	.finish = offer_finish,
	.set_actions = offer_set_actions,
};

static void offer_free(struct wl_resource *r)
{
	wl_list_remove(wl_resource_get_link(r));
}

static void send_selection(struct data_device_state *dd, struct wl_resource *device)
{
	struct wl_client *c = wl_resource_get_client(device);
	struct wl_resource *offer;
	struct data_source *src;
	char **p;

	if (!dd->selection) {
		wl_data_device_send_selection(device, NULL);
		return;
	}
	offer = wl_resource_create(c, &wl_data_offer_interface, wl_resource_get_version(device), 0);
	if (!offer) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(offer, &offer_impl, dd->selection, offer_free);
	wl_list_insert(&dd->offers, wl_resource_get_link(offer));
	wl_data_device_send_data_offer(device, offer);
	src = wl_resource_get_user_data(dd->selection);
	wl_array_for_each(p, &src->mime_types)
		wl_data_offer_send_offer(offer, *p);
	wl_data_device_send_selection(device, offer);
}

void data_device_focus(struct server *s, struct wl_client *client)
{
	struct wl_resource *d;

	wl_resource_for_each(d, &s->seat.data.devices)
		if (wl_resource_get_client(d) == client)
			send_selection(&s->seat.data, d);
}

static void stale_offers(struct data_device_state *dd)
{
	struct wl_resource *o;

	wl_resource_for_each(o, &dd->offers)
		wl_resource_set_user_data(o, NULL);
}

/* The selection changed: the client with the keyboard learns of it. */
static void selection_changed(struct data_device_state *dd)
{
	struct surface *focus = dd->server->seat.keyboard_focus;

	if (focus)
		data_device_focus(dd->server, wl_resource_get_client(focus->resource));
}

static void selection_destroyed(struct wl_listener *l, void *data)
{
	struct data_device_state *dd = container_of(l, struct data_device_state, selection_destroy);

	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	dd->selection = NULL;
	stale_offers(dd);
	selection_changed(dd);
}

/* ---- data device ---- */

static void device_start_drag(struct wl_client *c, struct wl_resource *r,
			      struct wl_resource *source, struct wl_resource *origin,
			      struct wl_resource *icon, uint32_t serial)
{
	if (source)
		wl_data_source_send_cancelled(source);
}

static void device_set_selection(struct wl_client *c, struct wl_resource *r,
				 struct wl_resource *source, uint32_t serial)
{
	struct data_device_state *dd = wl_resource_get_user_data(r);

	if (dd->selection == source)
		return;
	if (dd->selection) {
		wl_data_source_send_cancelled(dd->selection);
		wl_list_remove(&dd->selection_destroy.link);
		wl_list_init(&dd->selection_destroy.link);
	}
	stale_offers(dd);
	dd->selection = source;
	if (source) {
		dd->selection_destroy.notify = selection_destroyed;
		wl_resource_add_destroy_listener(source, &dd->selection_destroy);
	}
	selection_changed(dd);
}

static void device_release(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_data_device_interface device_impl = {
	.start_drag = device_start_drag,
	.set_selection = device_set_selection,
	.release = device_release,
};

static void device_free(struct wl_resource *r)
{
	wl_list_remove(wl_resource_get_link(r));
}

/* ---- manager ---- */

static void manager_create_data_source(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct data_source *src = calloc(1, sizeof(*src));

	if (!src) {
		wl_client_post_no_memory(c);
		return;
	}
	src->resource = wl_resource_create(c, &wl_data_source_interface, wl_resource_get_version(r), id);
	if (!src->resource) {
		free(src);
		wl_client_post_no_memory(c);
		return;
	}
	wl_array_init(&src->mime_types);
	wl_resource_set_implementation(src->resource, &source_impl, src, source_free);
}

static void manager_get_data_device(struct wl_client *c, struct wl_resource *r, uint32_t id,
				    struct wl_resource *seat_res)
{
	struct server *s = wl_resource_get_user_data(r);
	struct wl_resource *d = wl_resource_create(c, &wl_data_device_interface,
						   wl_resource_get_version(r), id);

	if (!d) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(d, &device_impl, &s->seat.data, device_free);
	wl_list_insert(&s->seat.data.devices, wl_resource_get_link(d));
	if (s->seat.keyboard_focus &&
	    wl_resource_get_client(s->seat.keyboard_focus->resource) == c)
		send_selection(&s->seat.data, d);
}

static const struct wl_data_device_manager_interface manager_impl = {
	.create_data_source = manager_create_data_source,
	.get_data_device = manager_get_data_device,
};

static void manager_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &wl_data_device_manager_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &manager_impl, data, NULL);
}

void data_device_init(struct server *s)
{
	struct data_device_state *dd = &s->seat.data;

	dd->server = s;
	wl_list_init(&dd->devices);
	wl_list_init(&dd->offers);
	wl_list_init(&dd->selection_destroy.link);
	wl_global_create(s->display, &wl_data_device_manager_interface, DATA_DEVICE_MANAGER_VERSION, s, manager_bind);
}
