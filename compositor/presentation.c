/* SPDX-License-Identifier: MIT */
/*
 * presentation.c - wp_presentation: when a frame reached the screen.
 *
 * The timestamp and sequence are the FLIP_DONE event's, which libgfx gives
 * in this process's CLOCK_MONOTONIC on every backend; its present_flags say
 * which kinds hold: the device's own vblank record on our GPU (VSYNC,
 * HW_CLOCK, HW_COMPLETION), none on a KMS device libgfx paces itself.
 */
#include <stdlib.h>
#include <time.h>

#include "core.h"
#include "presentation.h"
#include "presentation-time-server-protocol.h"
#include "surface.h"
#include "util.h"

struct feedback {
	struct wl_resource *resource;
	struct wl_list link;
};

static void feedback_free(struct wl_resource *r)
{
	struct feedback *f = wl_resource_get_user_data(r);

	wl_list_remove(&f->link);
	free(f);
}

void presentation_move_list(struct wl_list *dst, struct wl_list *src)
{
	wl_list_insert_list(dst->prev, src);
	wl_list_init(src);
}

void presentation_discard_list(struct wl_list *list)
{
	struct feedback *f, *tmp;

	wl_list_for_each_safe(f, tmp, list, link) {
		wp_presentation_feedback_send_discarded(f->resource);
		wl_resource_destroy(f->resource);
	}
}

void presentation_send(struct wl_list *list, struct wl_list *outputs, bool presented,
		       uint64_t time_ns, uint64_t seq, uint64_t period_ns, uint32_t flags)
{
	uint32_t kinds = (flags & GFX_PRESENT_VSYNC ? WP_PRESENTATION_FEEDBACK_KIND_VSYNC : 0) |
			 (flags & GFX_PRESENT_HW_CLOCK ? WP_PRESENTATION_FEEDBACK_KIND_HW_CLOCK : 0) |
			 (flags & GFX_PRESENT_HW_COMPLETION ?
			  WP_PRESENTATION_FEEDBACK_KIND_HW_COMPLETION : 0);
	struct feedback *f, *tmp;
	uint64_t sec = time_ns / NS_PER_SEC;
	uint32_t nsec = time_ns % NS_PER_SEC;

	if (!presented) {
		presentation_discard_list(list);
		return;
	}
	wl_list_for_each_safe(f, tmp, list, link) {
		struct wl_client *c = wl_resource_get_client(f->resource);
		struct wl_resource *o;

		wl_resource_for_each(o, outputs)
			if (wl_resource_get_client(o) == c)
				wp_presentation_feedback_send_sync_output(f->resource, o);
		wp_presentation_feedback_send_presented(
			f->resource, sec >> 32, sec & 0xffffffffu, nsec,
			(uint32_t)period_ns, seq >> 32, seq & 0xffffffffu, kinds);
		wl_resource_destroy(f->resource);
	}
}

static void presentation_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void presentation_feedback(struct wl_client *c, struct wl_resource *r,
				  struct wl_resource *surface_res, uint32_t id)
{
	struct surface *s = surface_from_resource(surface_res);
	struct feedback *f = calloc(1, sizeof(*f));

	if (!f) {
		wl_client_post_no_memory(c);
		return;
	}
	f->resource = wl_resource_create(c, &wp_presentation_feedback_interface, 1, id);
	if (!f->resource) {
		free(f);
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(f->resource, NULL, f, feedback_free);
	wl_list_insert(s->pending.feedbacks.prev, &f->link);
}

static const struct wp_presentation_interface presentation_impl = {
	.destroy = presentation_destroy,
	.feedback = presentation_feedback,
};

static void presentation_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &wp_presentation_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &presentation_impl, data, NULL);
	wp_presentation_send_clock_id(r, CLOCK_MONOTONIC);
}

void presentation_init(struct server *s)
{
	wl_global_create(s->display, &wp_presentation_interface, PRESENTATION_VERSION, s, presentation_bind);
}
