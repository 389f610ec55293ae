/* SPDX-License-Identifier: MIT */
/*
 * output.c - the one output: wl_output, the scanout buffers, and the
 * repaint loop paced by the device's vblank.
 *
 * As in Weston, a frame is painted a "repaint window" before the next
 * vblank: late enough to pick up the clients' latest commits, early enough
 * for the GPU to finish before the flip is latched. Frame callbacks and
 * presentation feedback go out when the flip is reported done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "server.h"

#define DEFAULT_REPAINT_WINDOW_NS 7000000	/* Weston's default, 7 ms */

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

	/* Physical size from an assumed 96 dpi. */
	wl_output_send_geometry(r, 0, 0, o->width * 254 / 960, o->height * 254 / 960,
				WL_OUTPUT_SUBPIXEL_UNKNOWN, "gfx", "reference GPU",
				WL_OUTPUT_TRANSFORM_NORMAL);
	wl_output_send_mode(r, WL_OUTPUT_MODE_CURRENT | WL_OUTPUT_MODE_PREFERRED,
			    o->width, o->height, o->refresh_mhz);
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

static void arm_timer(int fd, uint64_t when_ns)
{
	struct itimerspec its = { 0 };

	if (when_ns == 0)
		when_ns = 1;	/* 0 would disarm */
	its.it_value.tv_sec = when_ns / 1000000000ull;
	its.it_value.tv_nsec = when_ns % 1000000000ull;
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The next vblank after `t`, from the last one the device reported. */
static uint64_t next_vblank_after(struct output *o, uint64_t t)
{
	uint64_t seq, ts;

	if (gfx_last_vblank(o->server->gfx, &seq, &ts) == 0 && ts) {
		o->last_vblank_seq = seq;
		o->last_vblank_ns = ts;
	}
	/* Device timestamps are in gfx-device's clock: in a VM guest (uio) that
	 * is the host's, far from ours. Then go by our own clock. */
	if (!o->last_vblank_ns || o->last_vblank_ns > t + o->period_ns)
		return t + o->period_ns;
	if (o->last_vblank_ns > t)
		return o->last_vblank_ns;
	uint64_t n = (t - o->last_vblank_ns) / o->period_ns + 1;
	return o->last_vblank_ns + n * o->period_ns;
}

void output_schedule_repaint(struct server *s)
{
	struct output *o;

	if (!s)
		return;
	o = &s->output;
	o->repaint_needed = true;
	if (o->repaint_scheduled || o->flip_pending || o->idle_frame_pending || s->quitting)
		return;
	/* Idle: start at the repaint window of the next vblank we can make. */
	uint64_t now = now_ns();
	uint64_t vb = next_vblank_after(o, now);
	if (vb - o->repaint_window_ns < now)
		vb += o->period_ns;
	if (vb - now > o->period_ns + o->repaint_window_ns)	/* clock oddity */
		vb = now + o->repaint_window_ns;
	arm_timer(o->timer_fd, vb - o->repaint_window_ns);
	o->repaint_scheduled = true;
}

/* Move committed callbacks of every surface to the frame in flight. */
static void collect_callbacks(struct server *s)
{
	struct output *o = &s->output;
	struct surface *surf;

	wl_list_for_each(surf, &s->surfaces, link) {
		wl_list_insert_list(o->frame_callbacks.prev, &surf->frame_callbacks);
		wl_list_init(&surf->frame_callbacks);
		presentation_move_list(&o->feedbacks, &surf->feedbacks);
	}
}

static void send_frame_done(struct server *s, bool presented, uint64_t seq, uint64_t time_ns)
{
	struct output *o = &s->output;
	struct wl_resource *cb, *tmp;
	uint32_t ms = (uint32_t)(time_ns / 1000000ull);

	wl_resource_for_each_safe(cb, tmp, &o->frame_callbacks) {
		wl_callback_send_done(cb, ms);
		wl_resource_destroy(cb);
	}
	presentation_send(s, &o->feedbacks, presented, time_ns, seq);
}

static void track_damage_history(struct output *o, pixman_region32_t *frame_damage)
{
	pixman_region32_copy(&o->prev_damage, frame_damage);
}

static void repaint(struct server *s)
{
	struct output *o = &s->output;
	struct scene sc = { 0 };
	pixman_region32_t frame_damage, paint;
	struct frame_item *it;
	size_t i;

	o->repaint_needed = false;
	s->scene_frame++;
	scene_build(s, &sc);

	/* Scene changes since the last frame: moved, mapped or unmapped surfaces. */
	for (i = 0; i < sc.n; i++) {
		it = &sc.items[i];
		if (it->kind == ITEM_SURFACE) {
			struct surface *surf = it->surface;
			if (!surf->was_drawn || memcmp(&surf->drawn, &it->rect, sizeof(it->rect))) {
				if (surf->was_drawn)
					output_damage_rect(s, surf->drawn.x, surf->drawn.y,
							   surf->drawn.w, surf->drawn.h);
				output_damage_rect(s, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
				if (!surf->was_drawn)
					output_send_enter(s, surf);
			}
			surf->drawn = it->rect;
			surf->was_drawn = true;
			surf->scene_frame = s->scene_frame;
		} else if (it->kind == ITEM_FRAME) {
			struct toplevel *t = it->toplevel;
			if (!t->frame_drawn || memcmp(&t->last_frame, &it->rect, sizeof(it->rect))) {
				if (t->frame_drawn)
					output_damage_rect(s, t->last_frame.x, t->last_frame.y,
							   t->last_frame.w, t->last_frame.h);
				output_damage_rect(s, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
			}
			t->last_frame = it->rect;
			t->frame_drawn = true;
			t->frame_scene = s->scene_frame;
		}
	}
	struct surface *surf;
	wl_list_for_each(surf, &s->surfaces, link) {
		if (surf->was_drawn && surf->scene_frame != s->scene_frame) {
			output_damage_rect(s, surf->drawn.x, surf->drawn.y, surf->drawn.w, surf->drawn.h);
			surf->was_drawn = false;
		}
	}
	struct toplevel *t;
	wl_list_for_each(t, &s->toplevels, link) {
		if (t->frame_drawn && t->frame_scene != s->scene_frame) {
			output_damage_rect(s, t->last_frame.x, t->last_frame.y,
					   t->last_frame.w, t->last_frame.h);
			t->frame_drawn = false;
		}
	}
	/* Occlusion, then the parts of surfaces that just came into view. */
	scene_compute_visibility(s, &sc);
	for (i = 0; i < sc.n; i++)
		if (sc.items[i].kind == ITEM_SURFACE)
			surface_upload_newly_visible(sc.items[i].surface);
	/* The cursor, old and new place. */
	struct gfx_rect cr = cursor_rect(s);
	if (s->cursor_was_drawn && memcmp(&cr, &s->cursor_drawn, sizeof(cr)))
		output_damage_rect(s, s->cursor_drawn.x, s->cursor_drawn.y,
				   s->cursor_drawn.w, s->cursor_drawn.h);
	if (cr.w && (!s->cursor_was_drawn || memcmp(&cr, &s->cursor_drawn, sizeof(cr))))
		output_damage_rect(s, cr.x, cr.y, cr.w, cr.h);

	pixman_region32_init(&frame_damage);
	pixman_region32_intersect_rect(&frame_damage, &o->damage, 0, 0, o->width, o->height);
	pixman_region32_clear(&o->damage);

	collect_callbacks(s);

	if (!pixman_region32_not_empty(&frame_damage)) {
		/* Nothing to show: stand in for the vblank with a timer so clients
		 * (hidden ones too) keep their frame callbacks at the refresh rate. */
		pixman_region32_fini(&frame_damage);
		scene_fini(&sc);
		o->idle_frame_pending = true;
		arm_timer(o->vblank_timer_fd, next_vblank_after(o, now_ns()));
		return;
	}

	/* Buffer age 2: the back buffer misses this frame's and the last frame's damage. */
	if (!o->fb_painted[o->back]) {
		pixman_region32_init_rect(&paint, 0, 0, o->width, o->height);
	} else {
		pixman_region32_init(&paint);
		pixman_region32_union(&paint, &frame_damage, &o->prev_damage);
	}
	track_damage_history(o, &frame_damage);

	uint64_t vseq = 0, vts = 0;
	gfx_last_vblank(s->gfx, &vseq, &vts);
	o->target_seq = vseq + 1;
	o->aim_vblank_ns = vts + o->period_ns;
	o->repaint_ns = now_ns();
	if (s->verbose) {	/* the tests read this to see that only damage is painted */
		int nb;
		pixman_box32_t *b = pixman_region32_rectangles(&paint, &nb);
		uint64_t area = 0;
		for (int k = 0; k < nb; k++)
			area += (uint64_t)(b[k].x2 - b[k].x1) * (b[k].y2 - b[k].y1);
		log_debug(s, "frame %llu: painted %llu px in %d rects",
			  (unsigned long long)o->frame_no + 1, (unsigned long long)area, nb);
	}
	int r = render_frame(s, o->fb[o->back], &sc, &paint);
	if (r == 0) {
		s->cursor_drawn = cr;
		s->cursor_was_drawn = cr.w > 0;
		r = gfx_flip(s->gfx, o->fb[o->back], ++o->frame_no);
	}
	if (r == 0)
		r = gfx_fence(s->gfx, false, &o->frame_fence);
	if (r == 0)
		r = gfx_submit(s->gfx);
	o->submit_ns = now_ns();
	if (r < 0) {
		log_msg("repaint failed: %s", gfx_last_error(s->gfx));
		/* Try again with a full repaint next vblank. */
		o->fb_painted[0] = o->fb_painted[1] = false;
		o->idle_frame_pending = true;
		arm_timer(o->vblank_timer_fd, next_vblank_after(o, now_ns()));
	} else {
		o->fb_painted[o->back] = true;
		o->flip_pending = true;
		/* A watchdog, in case the flip's interrupt is lost: then the flip
		 * log is read without it (see on_vblank_timer). */
		arm_timer(o->vblank_timer_fd, now_ns() + 4 * o->period_ns);
		/* Uploads into these must wait until the GPU has read them. */
		for (i = 0; i < sc.n; i++)
			if (sc.items[i].kind == ITEM_SURFACE)
				sc.items[i].surface->bo_fence = o->frame_fence;
		if (s->seat.cursor_surface)
			s->seat.cursor_surface->bo_fence = o->frame_fence;
	}
	pixman_region32_fini(&paint);
	pixman_region32_fini(&frame_damage);
	scene_fini(&sc);
}

/* A frame ended (flip latched, or the idle timer): next repaint, callbacks. */
static void frame_finished(struct server *s, bool presented, uint64_t seq, uint64_t time_ns)
{
	struct output *o = &s->output;

	send_frame_done(s, presented, seq, time_ns);
	if (o->repaint_needed && !s->quitting) {
		uint64_t when = time_ns + o->period_ns - o->repaint_window_ns;
		uint64_t now = now_ns();
		if (when < now)
			when = now;
		else if (when > now + o->period_ns)	/* another clock (see next_vblank_after) */
			when = now + o->period_ns - o->repaint_window_ns;
		arm_timer(o->timer_fd, when);
		o->repaint_scheduled = true;
	}
}

void output_flip_done(struct server *s, uint64_t seq, uint64_t time_ns, uint64_t user_data)
{
	struct output *o = &s->output;

	if (!o->flip_pending || user_data != o->frame_no)
		return;
	if (o->last_vblank_seq && seq > o->last_vblank_seq + 1 && o->frames)
		o->missed += seq - o->last_vblank_seq - 1;
	o->flip_pending = false;
	if (o->target_seq && seq > o->target_seq) {
		o->late++;
		log_debug(s, "frame %llu late: latched at vblank %llu, aimed at %llu; repaint "
			  "started %.2f ms and was submitted %.2f ms before the aimed vblank",
			  (unsigned long long)o->frame_no, (unsigned long long)seq,
			  (unsigned long long)o->target_seq,
			  ((int64_t)o->aim_vblank_ns - (int64_t)o->repaint_ns) / 1e6,
			  ((int64_t)o->aim_vblank_ns - (int64_t)o->submit_ns) / 1e6);
	}
	o->last_vblank_seq = seq;
	o->last_vblank_ns = time_ns;
	o->frames++;
	o->back ^= 1;
	frame_finished(s, true, seq, time_ns);
}

static int on_repaint_timer(int fd, uint32_t mask, void *data)
{
	struct server *s = data;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return 0;
	s->output.repaint_scheduled = false;
	if (!s->output.flip_pending && !s->output.idle_frame_pending)
		repaint(s);
	return 0;
}

static int on_vblank_timer(int fd, uint32_t mask, void *data)
{
	struct server *s = data;
	struct output *o = &s->output;
	uint64_t n, seq = 0, ts = 0;

	if (read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return 0;
	if (o->flip_pending) {
		uint64_t before = o->frames;
		if (!server_dispatch_gfx(s))
			return 0;
		if (o->frames != before) {
			if (!o->lost_irq_logged++)
				log_msg("a flip completed without its interrupt; recovered from the flip log");
		} else if (o->flip_pending && now_ns() - o->submit_ns > 30 * o->period_ns) {
			/* Half a second without the flip: the engine hangs or dropped
			 * it. Reset it, forget the frame, repaint everything. */
			log_msg("frame %llu was not flipped in %llu ms: resetting the GPU engine",
				(unsigned long long)o->frame_no,
				(unsigned long long)((now_ns() - o->submit_ns) / 1000000));
			gfx_reset(s->gfx);
			o->flip_pending = false;
			o->fb_painted[0] = o->fb_painted[1] = false;
			output_damage_whole(s);
			gfx_last_vblank(s->gfx, &seq, &ts);
			frame_finished(s, false, seq, ts ? ts : now_ns());
			output_schedule_repaint(s);
		} else if (o->flip_pending) {
			arm_timer(o->vblank_timer_fd, now_ns() + 4 * o->period_ns);
		}
		return 0;
	}
	if (!o->idle_frame_pending)
		return 0;
	o->idle_frame_pending = false;
	gfx_last_vblank(s->gfx, &seq, &ts);
	if (!ts)
		ts = now_ns();
	frame_finished(s, false, seq, ts);
	return 0;
}

int output_init(struct server *s)
{
	struct output *o = &s->output;
	const char *w;

	o->server = s;
	o->width = s->info.width;
	o->height = s->info.height;
	o->refresh_mhz = s->info.refresh_mhz ? s->info.refresh_mhz : 60000;
	o->period_ns = 1000000000000ull / o->refresh_mhz;
	o->repaint_window_ns = DEFAULT_REPAINT_WINDOW_NS;
	w = getenv("GFX_COMPOSITOR_REPAINT_WINDOW_MS");
	if (w)
		o->repaint_window_ns = (int64_t)(atof(w) * 1000000);
	if (o->repaint_window_ns >= (int64_t)o->period_ns)
		o->repaint_window_ns = o->period_ns / 2;
	wl_list_init(&o->resources);
	wl_list_init(&o->frame_callbacks);
	wl_list_init(&o->feedbacks);
	pixman_region32_init(&o->damage);
	pixman_region32_init(&o->prev_damage);

	for (int i = 0; i < 2; i++) {
		int r = gfx_bo_create(s->gfx, o->width, o->height, GFX_FMT_XRGB8888, &o->fb[i]);
		if (r < 0) {
			log_msg("cannot allocate the scanout buffers: %s", gfx_last_error(s->gfx));
			return -1;
		}
	}
	o->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	o->vblank_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (o->timer_fd < 0 || o->vblank_timer_fd < 0) {
		log_msg("timerfd: %s", strerror(errno));
		return -1;
	}
	o->timer_source = wl_event_loop_add_fd(s->loop, o->timer_fd, WL_EVENT_READABLE,
					       on_repaint_timer, s);
	o->vblank_timer_source = wl_event_loop_add_fd(s->loop, o->vblank_timer_fd,
						      WL_EVENT_READABLE, on_vblank_timer, s);
	o->global = wl_global_create(s->display, &wl_output_interface, 4, s, output_bind);
	return 0;
}

void output_fini(struct server *s)
{
	struct output *o = &s->output;

	log_msg("%llu frames, %llu latched later than aimed", (unsigned long long)o->frames,
		(unsigned long long)o->late);
	/* Let the GPU finish before its buffers go. */
	gfx_finish(s->gfx, 500000000);
	wl_event_source_remove(o->timer_source);
	wl_event_source_remove(o->vblank_timer_source);
	close(o->timer_fd);
	close(o->vblank_timer_fd);
	for (int i = 0; i < 2; i++)
		if (o->fb[i])
			gfx_bo_destroy(s->gfx, o->fb[i]);
	pixman_region32_fini(&o->damage);
	pixman_region32_fini(&o->prev_damage);
}
