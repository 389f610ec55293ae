/* SPDX-License-Identifier: MIT */
/*
 * data_device.h - wl_data_device_manager: the clipboard of the seat.
 */
#ifndef COMPOSITOR_DATA_DEVICE_H
#define COMPOSITOR_DATA_DEVICE_H

#include <wayland-server.h>

struct server;

#define DATA_DEVICE_MANAGER_VERSION 3

/* The selection and the clients' data devices (in struct seat). */
struct data_device_state {
	struct wl_list devices;		/* wl_data_device resources */
	struct wl_list offers;		/* offers of the current selection, made stale when it changes */
	struct wl_resource *selection;	/* wl_data_source */
	struct wl_listener selection_destroy;
	struct server *server;
};

void data_device_init(struct server *s);
/* Keyboard focus moved to client: send it the current selection. */
void data_device_focus(struct server *s, struct wl_client *client);

#endif /* COMPOSITOR_DATA_DEVICE_H */
