/* SPDX-License-Identifier: MIT */
/*
 * output.c - the one output (output.h): wl_output, the scanout buffers and
 * the damage region the frame cycle (repaint.c) consumes.
 */
#include "core.h"
#include "output.h"
#include "repaint.h"
#include "surface.h"
#include "util.h"

#define DEFAULT_REFRESH_MHZ 60000
/* The physical size clients are told, from an assumed 96 dpi: mm = px * 25.4 / 96. */
#define PX_TO_MM(px)	((px) * 254 / 960)

static void output_destroy_resource(struct wl_resource *r)
{
	wl_list_remove(wl_resource_get_link(r));
}

static void output_release(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_output_interface output_impl = {
	.release = output_release,
};

/* The geometry and the mode (wl_output.done follows: the caller's). */
static void send_mode(struct output *o, struct wl_resource *r)
{
	wl_output_send_geometry(r, 0, 0, PX_TO_MM(o->width), PX_TO_MM(o->height),
				WL_OUTPUT_SUBPIXEL_UNKNOWN, "gfx", "reference GPU",
				WL_OUTPUT_TRANSFORM_NORMAL);
	wl_output_send_mode(r, WL_OUTPUT_MODE_CURRENT | WL_OUTPUT_MODE_PREFERRED,
			    o->width, o->height, o->refresh_mhz);
}

static void output_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct server *s = data;
	struct output *o = &s->output;
	struct wl_resource *r = wl_resource_create(client, &wl_output_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(r, &output_impl, s, output_destroy_resource);
	wl_list_insert(&o->resources, wl_resource_get_link(r));

	send_mode(o, r);
	if (version >= WL_OUTPUT_SCALE_SINCE_VERSION)
		wl_output_send_scale(r, 1);
	if (version >= WL_OUTPUT_NAME_SINCE_VERSION)
		wl_output_send_name(r, "GFX-1");
	if (version >= WL_OUTPUT_DESCRIPTION_SINCE_VERSION)
		wl_output_send_description(r, "reference GPU scanout");
	if (version >= WL_OUTPUT_DONE_SINCE_VERSION)
		wl_output_send_done(r);
}

void output_send_enter(struct server *s, struct surface *surf)
{
	struct wl_client *client = wl_resource_get_client(surf->resource);
	struct wl_resource *r;

	wl_resource_for_each(r, &s->output.resources)
		if (wl_resource_get_client(r) == client)
			wl_surface_send_enter(surf->resource, r);
}

void output_damage_rect(struct server *s, int32_t x, int32_t y, int32_t w, int32_t h)
{
	if (w <= 0 || h <= 0)
		return;
	pixman_region32_union_rect(&s->output.damage, &s->output.damage, x, y, w, h);
}

void output_damage_region(struct server *s, pixman_region32_t *r, int32_t dx, int32_t dy)
{
	pixman_region32_t t;

	pixman_region32_init(&t);
	pixman_region32_copy(&t, r);
	pixman_region32_translate(&t, dx, dy);
	pixman_region32_union(&s->output.damage, &s->output.damage, &t);
	pixman_region32_fini(&t);
}

void output_damage_whole(struct server *s)
{
	output_damage_rect(s, 0, 0, s->output.width, s->output.height);
}

/* The mode of info (width 0: no display connected). */
static void take_mode(struct output *o, const struct gfx_info *info)
{
	o->width = info->width;
	o->height = info->height;
	o->refresh_mhz = info->refresh_mhz ? info->refresh_mhz : DEFAULT_REFRESH_MHZ;
	o->period_ns = 1000 * NS_PER_SEC / o->refresh_mhz;
	o->connected = info->width > 0;
}

/* Two scanout buffers of the mode's size, each to be painted in full. */
static int alloc_scanout(struct server *s)
{
	struct output *o = &s->output;

	for (int i = 0; i < 2; i++) {
		o->fb_painted[i] = false;
		if (gfx_bo_create(s->gfx, o->width, o->height, GFX_FMT_XRGB8888, &o->fb[i]) < 0) {
			o->fb[i] = NULL;
			log_msg("cannot allocate the %ux%u scanout buffers: %s", o->width, o->height,
				gfx_last_error(s->gfx));
			return -1;
		}
	}
	o->back = 0;
	return 0;
}

static void free_scanout(struct server *s)
{
	struct output *o = &s->output;

	for (int i = 0; i < 2; i++)
		if (o->fb[i])
			gfx_bo_destroy(s->gfx, o->fb[i]);
	o->fb[0] = o->fb[1] = NULL;
}

int output_init(struct server *s)
{
	struct output *o = &s->output;

	o->server = s;
	take_mode(o, &s->info);
	wl_list_init(&o->resources);
	pixman_region32_init(&o->damage);
	pixman_region32_init(&o->prev_damage);
	if (alloc_scanout(s) < 0)
		return -1;
	o->global = wl_global_create(s->display, &wl_output_interface, OUTPUT_VERSION, s, output_bind);
	return o->global ? 0 : -1;
}

/* Another size: the buffers in flight are done first, then new ones; clients hear of it. */
static void resize(struct server *s)
{
	struct output *o = &s->output;
	struct wl_resource *r;

	gfx_finish(s->gfx, FINISH_TIMEOUT_NS);
	free_scanout(s);
	if (alloc_scanout(s) < 0) {
		free_scanout(s);
		o->connected = false;	/* no buffers: frames go on without flips */
		return;
	}
	pixman_region32_clear(&o->prev_damage);
	wl_resource_for_each(r, &o->resources) {
		send_mode(o, r);
		if (wl_resource_get_version(r) >= WL_OUTPUT_DONE_SINCE_VERSION)
			wl_output_send_done(r);
	}
	wl_signal_emit_mutable(&s->events.output_mode, o);
}

void output_display_changed(struct server *s)
{
	struct output *o = &s->output;
	uint32_t w = o->width, h = o->height, mhz = o->refresh_mhz;

	if (gfx_get_info(s->gfx, &s->info) < 0)
		return;
	if (!s->info.width) {
		o->connected = false;
		log_msg("display: disconnected; frames go on unshown until one is connected");
		return;
	}
	take_mode(o, &s->info);
	log_msg("display: %ux%u@%.3f%s", o->width, o->height, o->refresh_mhz / 1000.0,
		o->width == w && o->height == h && o->refresh_mhz == mhz ? " (as before)" : "");
	if (o->width != w || o->height != h || !o->fb[0])
		resize(s);
	o->fb_painted[0] = o->fb_painted[1] = false;
	output_damage_whole(s);
	repaint_schedule(s);
}

void output_fini(struct server *s)
{
	struct output *o = &s->output;

	free_scanout(s);
	pixman_region32_fini(&o->damage);
	pixman_region32_fini(&o->prev_damage);
}
