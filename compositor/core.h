/* SPDX-License-Identifier: MIT */
/*
 * core.h - the compositor as a library: a server with a lifecycle
 * (server_create, the caller's event loop, server_destroy with nothing
 * left behind), and the seams the rest of the world reaches it through:
 *
 * - the output backend: a libgfx device the caller opened (any spec:
 *   direct:, uio, drm:); the core renders, flips and takes the device's
 *   events (flips, GPU errors, device loss, the input FIFO) from it;
 * - input: input.h, fed by evdev.c (libevdev devices, the GPU's input
 *   FIFO) and by wlcs's fake devices;
 * - the shell's events: server.events, which the seat (the window
 *   manager's policy) and the input grabs listen to.
 *
 * gfx-compositor (main.c) and the wlcs integration module (wlcs.c) both
 * link it.
 */
#ifndef COMPOSITOR_CORE_H
#define COMPOSITOR_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>

#include "cursor.h"
#include "evdev.h"
#include "gfx.h"
#include "input.h"
#include "output.h"
#include "repaint.h"
#include "seat.h"
#include "wm.h"

struct server_config {
	struct gfx_device *gfx;		/* opened by the caller, closed by it after server_destroy */
	bool verbose;			/* the frame log and other debug messages */
	/*
	 * Map an xdg_surface with a buffer it commits before it acked its
	 * first configure, instead of the protocol error xdg-shell asks for.
	 * Only for wlcs 1.5, whose helpers commit a buffer without waiting
	 * for the configure and never ack it (wlcs fixed that in its pull
	 * request 324); gfx-compositor never sets it.
	 */
	bool buffer_before_first_ack;
};

/*
 * What the shell announces (data: struct toplevel *, struct popup *,
 * struct resize_request *), and surface_commit (struct surface *): a
 * surface applied a commit, so what is under the pointer may have changed.
 * output_mode (struct output *): the output took another size.
 */
struct server_events {
	struct wl_signal surface_commit;
	struct wl_signal output_mode;
	struct wl_signal toplevel_map, toplevel_unmap;
	struct wl_signal popup_map, popup_unmap;
	struct wl_signal request_move, request_resize;
};

struct server {
	struct wl_display *display;
	struct wl_event_loop *loop;
	struct gfx_device *gfx;
	struct gfx_info info;
	struct wl_event_source *gfx_source;
	struct output output;
	struct repaint repaint;
	struct cursor cursor;
	struct seat seat;
	struct input_state input;
	struct wm wm;
	struct evdev_accum fifo_input;	/* the GPU's input FIFO */
	struct server_events events;
	struct wl_list surfaces;	/* struct surface */
	struct wl_list toplevels;	/* top first */
	struct wl_list popups;		/* bottom first */
	uint64_t scene_frame;		/* the number of the last scene built */
	int stage;			/* how far server_create got */
	/* Buffers already in VRAM that wait for their release (vram_buffer.c). */
	struct wl_list vram_retiring;
	/* Surfaces whose commits wait for a fence (acquire.c), and its timer. */
	struct wl_list waiting_surfaces;
	int acquire_timer_fd;
	struct wl_event_source *acquire_timer;
	uint64_t acquire_next_ns;	/* the timer's last delay */
	bool verbose;
	bool buffer_before_first_ack;	/* server_config's */
	int exit_code;
};

/* The globals every server offers, and their versions (what init_globals creates). */
struct server_global {
	const char *name;
	uint32_t version;
};
extern const struct server_global server_globals[];
extern const size_t server_global_count;

/* NULL on failure (with a message). The Wayland socket is the caller's to add. */
struct server *server_create(const struct server_config *cfg);
/* Clients, globals, VRAM, timers: all of it goes. The gfx device stays the caller's. */
void server_destroy(struct server *s);
/* End wl_display_run(s->display) with this exit code. */
void server_terminate(struct server *s, int exit_code);
/* Handle the device's pending events now; false if it is gone. */
bool server_dispatch_gfx(struct server *s);

#endif /* COMPOSITOR_CORE_H */
