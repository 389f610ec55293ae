/* SPDX-License-Identifier: MIT */
/*
 * core.c - the server's lifecycle and the output backend's events (core.h).
 */
#include <stdlib.h>

#include "acquire.h"
#include "core.h"
#include "data_device.h"
#include "decoration.h"
#include "dmabuf.h"
#include "gpu_context.h"
#include "presentation.h"
#include "subsurface.h"
#include "surface.h"
#include "util.h"
#include "viewporter.h"
#include "vram_buffer.h"
#include "xdg_shell.h"

/* How far server_create got: server_destroy undoes exactly that. */
enum stage { STAGE_NONE, STAGE_DISPLAY, STAGE_OUTPUT, STAGE_REPAINT, STAGE_CURSOR, STAGE_ALL };

/* One place for a device that went away: say so and stop with exit status 1. */
static void device_lost(struct server *s, const char *why)
{
	log_msg("device lost: %s", why);
	server_terminate(s, 1);
}

static void gfx_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	struct server *s = data;

	switch (ev->type) {
	case GFX_EVENT_FLIP_DONE:
		s->output.present_flags = ev->present_flags;
		repaint_flip_done(s, ev->seq, ev->time_ns, ev->user_data);
		vram_buffer_release_passed(s, false);
		break;
	case GFX_EVENT_INPUT:
		evdev_feed(s, &s->fifo_input, ev->input_type, ev->input_code, ev->input_value);
		break;
	case GFX_EVENT_ERROR:
		log_msg("GPU error %s at ring offset %u (ring recovered)",
			gfx_error_name(ev->error_code), ev->error_offset);
		output_damage_whole(s);
		repaint_schedule(s);
		break;
	case GFX_EVENT_DEVICE_LOST:
		device_lost(s, "the device reported it");
		break;
	case GFX_EVENT_DISPLAY:
		output_display_changed(s);
		break;
	default:
		break;
	}
}

bool server_dispatch_gfx(struct server *s)
{
	if (gfx_dispatch(s->gfx, gfx_event, s) < 0) {
		device_lost(s, gfx_last_error(s->gfx));
		return false;
	}
	return true;
}

static int on_gfx(int fd, uint32_t mask, void *data)
{
	struct server *s = data;

	if (server_dispatch_gfx(s) && (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)))
		device_lost(s, "its fd hung up");
	return 0;
}

void server_terminate(struct server *s, int exit_code)
{
	s->exit_code = exit_code;
	wl_display_terminate(s->display);
}

static void init_lists(struct server *s)
{
	wl_list_init(&s->surfaces);
	wl_list_init(&s->toplevels);
	wl_list_init(&s->popups);
	wl_list_init(&s->vram_retiring);
	wl_list_init(&s->waiting_surfaces);
	s->acquire_timer_fd = -1;
	wl_signal_init(&s->events.surface_commit);
	wl_signal_init(&s->events.output_mode);
	wl_signal_init(&s->events.toplevel_map);
	wl_signal_init(&s->events.toplevel_unmap);
	wl_signal_init(&s->events.popup_map);
	wl_signal_init(&s->events.popup_unmap);
	wl_signal_init(&s->events.request_move);
	wl_signal_init(&s->events.request_resize);
}

const struct server_global server_globals[] = {
	{ "wl_compositor", COMPOSITOR_VERSION },
	{ "wl_subcompositor", SUBCOMPOSITOR_VERSION },
	{ "wl_shm", 1 },			/* libwayland's own (wl_display_init_shm) */
	{ "xdg_wm_base", WM_BASE_VERSION },
	{ "zxdg_decoration_manager_v1", DECORATION_MANAGER_VERSION },
	{ "wp_viewporter", VIEWPORTER_VERSION },
	{ "wp_presentation", PRESENTATION_VERSION },
	{ "wl_seat", SEAT_VERSION },
	{ "wl_data_device_manager", DATA_DEVICE_MANAGER_VERSION },
	{ "wl_output", OUTPUT_VERSION },
};
const size_t server_global_count = ARRAY_LEN(server_globals);

/* The protocol globals, each its unit's (server_globals lists them). */
static void init_globals(struct server *s)
{
	compositor_init(s);
	subcompositor_init(s);
	xdg_shell_init(s);
	decoration_init(s);
	viewporter_init(s);
	presentation_init(s);
	seat_init(s);
	wm_init(s);
	input_init(s);
	data_device_init(s);
	/* GPU buffers from clients: their own contexts, or dma-buf on the kernel's driver. */
	gpu_context_init(s);
	dmabuf_init(s);
}

struct server *server_create(const struct server_config *cfg)
{
	struct server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->gfx = cfg->gfx;
	s->verbose = cfg->verbose;
	s->buffer_before_first_ack = cfg->buffer_before_first_ack;
	gfx_get_info(s->gfx, &s->info);
	init_lists(s);
	s->display = wl_display_create();
	if (!s->display)
		goto fail;
	s->loop = wl_display_get_event_loop(s->display);
	s->stage = STAGE_DISPLAY;
	/* SIGBUS from truncated pools is handled by libwayland's begin_access. */
	if (wl_display_init_shm(s->display) < 0 ||
	    !wl_display_add_shm_format(s->display, WL_SHM_FORMAT_RGB565))
		goto fail;
	/* Each stage is undone by server_destroy even if its init failed half way. */
	s->stage = STAGE_OUTPUT;
	if (output_init(s) < 0)
		goto fail;
	s->stage = STAGE_REPAINT;
	if (repaint_init(s) < 0)
		goto fail;
	s->stage = STAGE_CURSOR;
	if (cursor_init(s) < 0 || acquire_init(s) < 0)
		goto fail;
	init_globals(s);
	s->stage = STAGE_ALL;
	gfx_set_input_events(s->gfx, true);
	s->gfx_source = wl_event_loop_add_fd(s->loop, gfx_get_fd(s->gfx), WL_EVENT_READABLE,
					     on_gfx, s);
	output_damage_whole(s);
	repaint_schedule(s);
	return s;
fail:
	log_msg("cannot set up the compositor");
	server_destroy(s);
	return NULL;
}

void server_destroy(struct server *s)
{
	if (!s)
		return;
	if (s->stage >= STAGE_REPAINT)
		repaint_stop(s);	/* no frames while everything goes */
	if (s->stage >= STAGE_DISPLAY)
		wl_display_destroy_clients(s->display);
	if (s->gfx_source)
		wl_event_source_remove(s->gfx_source);
	if (s->stage >= STAGE_ALL) {
		gfx_set_input_events(s->gfx, false);
		input_fini(s);
		wm_fini(s);
		seat_fini(s);
	}
	if (s->stage >= STAGE_CURSOR) {
		acquire_fini(s);
		cursor_fini(s);
	}
	if (s->stage >= STAGE_REPAINT)
		repaint_fini(s);
	if (s->stage >= STAGE_OUTPUT)
		output_fini(s);
	if (s->display)
		wl_display_destroy(s->display);
	free(s);
}
