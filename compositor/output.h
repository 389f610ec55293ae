/* SPDX-License-Identifier: MIT */
/*
 * output.h - the one output: its wl_output global, its mode, the two
 * scanout buffers, and the damage collected for the next frame. The frame
 * cycle that paints and flips them is repaint.c's.
 */
#ifndef COMPOSITOR_OUTPUT_H
#define COMPOSITOR_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <pixman.h>
#include <wayland-server.h>

#include "gfx.h"

struct server;

#define OUTPUT_VERSION 4
struct surface;

struct output {
	struct server *server;
	struct wl_global *global;
	struct wl_list resources;	/* wl_output resources */
	uint32_t width, height, refresh_mhz;
	bool connected;			/* false: no display, nothing is flipped */
	uint64_t period_ns;
	uint32_t present_flags;		/* the last FLIP_DONE's GFX_PRESENT_* */
	struct gfx_bo *fb[2];
	int back;			/* index of the buffer to draw next */
	bool fb_painted[2];		/* false: its next frame is a full repaint */
	pixman_region32_t damage;	/* accumulated for the next frame */
	pixman_region32_t prev_damage;	/* damage of the previous frame */
};

/* The mode from the device; the scanout buffers; the global. */
int output_init(struct server *s);
void output_fini(struct server *s);
void output_damage_rect(struct server *s, int32_t x, int32_t y, int32_t w, int32_t h);
void output_damage_region(struct server *s, pixman_region32_t *r, int32_t dx, int32_t dy);
void output_damage_whole(struct server *s);
/*
 * GFX_EVENT_DISPLAY: the device's new mode. None: frames go on without
 * flips. Another size: new scanout buffers, wl_output's new mode, and
 * server.events.output_mode (the window manager and the pointer follow).
 */
void output_display_changed(struct server *s);
/* wl_surface.enter for the output resources of the surface's client. */
void output_send_enter(struct server *s, struct surface *surf);

#endif /* COMPOSITOR_OUTPUT_H */
