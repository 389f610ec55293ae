/* SPDX-License-Identifier: MIT */
/*
 * repaint.c - the frame cycle (repaint.h), as in Weston's output repaint.
 *
 * A frame is painted a "repaint window" before the next vblank: late enough
 * to pick up the clients' latest commits, early enough for the GPU to
 * finish before the flip is latched. One frame, top to bottom:
 *
 *   on_repaint_timer   the repaint window of the next vblank opens; commits
 *                      that waited for their fence and may go now apply (acquire.c)
 *   repaint            1. build the scene        (scene.c)
 *                      2. accumulate damage      what moved, mapped or unmapped since
 *                                                the last frame, what came into view,
 *                                                the cursor, the clients' commits
 *                      3. render                 the back buffer's damage (render.c)
 *                      4. flip                   FLIP at the vblank, a fence, one submit
 *   repaint_flip_done  the device latched the flip (FLIP_DONE at vblank T)
 *   frame_done         5. frame callbacks and presentation feedback; the next
 *                         repaint at T + period - window if anything changed
 *
 * A frame with no damage, or with no display connected, flips nothing: a
 * timer at the next vblank stands in for FLIP_DONE (idle_frame), so hidden
 * or unchanged clients still get their frame callbacks at the refresh rate.
 * A watchdog covers a lost flip interrupt or a hung engine (on_vblank_timer).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "acquire.h"
#include "buffer.h"
#include "core.h"
#include "cursor.h"
#include "output.h"
#include "presentation.h"
#include "render.h"
#include "repaint.h"
#include "scene.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"

#define DEFAULT_REPAINT_WINDOW_NS (7 * NS_PER_MS)	/* Weston's default */
/* A submitted flip without FLIP_DONE after this many periods: read the flip log (lost interrupt). */
#define WATCHDOG_PERIODS	4
/* ... and after this many (half a second at 60 Hz) the engine hangs: reset it. */
#define HANG_PERIODS		30
/* A flip's damage in at most this many rectangles (more: their bounding box). */
#define MAX_FLIP_DAMAGE		32

struct frame {
	struct scene scene;
	pixman_region32_t damage;	/* what changed on the output */
	pixman_region32_t paint;	/* what the back buffer needs (buffer age 2) */
};

static void arm_timer(int fd, uint64_t when_ns)
{
	struct itimerspec its = { 0 };

	if (when_ns == 0)
		when_ns = 1;	/* 0 would disarm */
	its.it_value.tv_sec = when_ns / NS_PER_SEC;
	its.it_value.tv_nsec = when_ns % NS_PER_SEC;
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The next vblank after `t`, from the last one the device reported. */
static uint64_t next_vblank_after(struct server *s, uint64_t t)
{
	struct repaint *rp = &s->repaint;
	uint64_t seq, ts, period = s->output.period_ns;

	if (gfx_last_vblank(s->gfx, &seq, &ts) == 0 && ts) {
		rp->last_vblank_seq = seq;
		rp->last_vblank_ns = ts;
	}
	/* Device timestamps are in gfx-device's clock: in a VM guest (uio) that
	 * is the host's, far from ours. Then go by our own clock. */
	if (!rp->last_vblank_ns || rp->last_vblank_ns > t + period)
		return t + period;
	if (rp->last_vblank_ns > t)
		return rp->last_vblank_ns;
	return rp->last_vblank_ns + ((t - rp->last_vblank_ns) / period + 1) * period;
}

void repaint_schedule(struct server *s)
{
	struct repaint *rp = &s->repaint;
	uint64_t now, vb, period = s->output.period_ns;

	rp->needed = true;
	if (rp->state != REPAINT_IDLE)
		return;
	/* Idle: start at the repaint window of the next vblank we can make. */
	now = now_ns();
	vb = next_vblank_after(s, now);
	if (vb - rp->window_ns < now)
		vb += period;
	if (vb - now > period + rp->window_ns)	/* clock oddity */
		vb = now + rp->window_ns;
	arm_timer(rp->timer_fd, vb - rp->window_ns);
	rp->state = REPAINT_SCHEDULED;
}

/* ---- 1. build the scene ---- */

static void build_scene(struct server *s, struct frame *f)
{
	s->scene_frame++;
	scene_build(s, &f->scene);
}

/* ---- 2. accumulate damage ---- */

static bool rect_changed(bool was, const struct gfx_rect *old, const struct gfx_rect *now)
{
	return !was || memcmp(old, now, sizeof(*now)) != 0;
}

/* Items that moved or appeared: damage the old and the new place. */
static void damage_moved_items(struct server *s, struct scene *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		struct frame_item *it = &sc->items[i];
		bool *was = NULL;
		struct gfx_rect *old = NULL;

		if (it->kind == ITEM_SURFACE) {
			was = &it->surface->was_drawn;
			old = &it->surface->drawn;
			if (!*was)
				output_send_enter(s, it->surface);
			it->surface->scene_frame = s->scene_frame;
		} else if (it->kind == ITEM_FRAME) {
			was = &it->toplevel->frame_drawn;
			old = &it->toplevel->last_frame;
			it->toplevel->frame_scene = s->scene_frame;
		} else {
			continue;
		}
		if (rect_changed(*was, old, &it->rect)) {
			if (*was)
				output_damage_rect(s, old->x, old->y, old->w, old->h);
			output_damage_rect(s, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
		}
		*old = it->rect;
		*was = true;
	}
}

/* Items of the last frame that this one lacks: damage where they were. */
static void damage_gone_items(struct server *s)
{
	struct surface *surf;
	struct toplevel *t;

	wl_list_for_each(surf, &s->surfaces, link) {
		if (surf->was_drawn && surf->scene_frame != s->scene_frame) {
			output_damage_rect(s, surf->drawn.x, surf->drawn.y, surf->drawn.w, surf->drawn.h);
			surf->was_drawn = false;
		}
	}
	wl_list_for_each(t, &s->toplevels, link) {
		if (t->frame_drawn && t->frame_scene != s->scene_frame) {
			output_damage_rect(s, t->last_frame.x, t->last_frame.y,
					   t->last_frame.w, t->last_frame.h);
			t->frame_drawn = false;
		}
	}
}

static void accumulate_damage(struct server *s, struct frame *f)
{
	struct output *o = &s->output;

	damage_moved_items(s, &f->scene);
	damage_gone_items(s);
	/* Occlusion, then the parts of surfaces that just came into view. */
	scene_compute_visibility(&f->scene);
	for (size_t i = 0; i < f->scene.n; i++)
		if (f->scene.items[i].kind == ITEM_SURFACE)
			buffer_upload_newly_visible(f->scene.items[i].surface);
	cursor_damage(s);
	pixman_region32_intersect_rect(&f->damage, &o->damage, 0, 0, o->width, o->height);
	pixman_region32_clear(&o->damage);
}

/* The frame in flight answers the callbacks committed until now. */
static void take_frame_callbacks(struct server *s)
{
	struct repaint *rp = &s->repaint;
	struct surface *surf;

	wl_list_for_each(surf, &s->surfaces, link) {
		wl_list_insert_list(rp->frame_callbacks.prev, &surf->frame_callbacks);
		wl_list_init(&surf->frame_callbacks);
		presentation_move_list(&rp->feedbacks, &surf->feedbacks);
	}
}

/* ---- 3. render ---- */

static uint64_t region_area(pixman_region32_t *r, int *nrects)
{
	pixman_box32_t *b = pixman_region32_rectangles(r, nrects);
	uint64_t area = 0;

	for (int k = 0; k < *nrects; k++)
		area += (uint64_t)(b[k].x2 - b[k].x1) * (b[k].y2 - b[k].y1);
	return area;
}

static int render(struct server *s, struct frame *f)
{
	struct output *o = &s->output;
	struct repaint *rp = &s->repaint;
	uint64_t vseq = 0, vts = 0;

	/* Buffer age 2: the back buffer misses this frame's and the last frame's damage. */
	if (!o->fb_painted[o->back])
		pixman_region32_union_rect(&f->paint, &f->paint, 0, 0, o->width, o->height);
	else
		pixman_region32_union(&f->paint, &f->damage, &o->prev_damage);
	pixman_region32_copy(&o->prev_damage, &f->damage);

	gfx_last_vblank(s->gfx, &vseq, &vts);
	rp->target_seq = vseq + 1;
	rp->aim_vblank_ns = vts + o->period_ns;
	rp->repaint_ns = now_ns();
	if (s->verbose) {	/* the tests read this to see that only damage is painted */
		int n;
		uint64_t area = region_area(&f->paint, &n);
		log_debug(true, "frame %llu: painted %llu px in %d rects",
			  (unsigned long long)rp->frame_no + 1, (unsigned long long)area, n);
	}
	return render_frame(s, o->fb[o->back], &f->scene, &f->paint);
}

/* ---- 4. flip ---- */

/* The frame's damage, where it differs from the picture on screen, for the display. */
static int flip_damaged(struct server *s, struct frame *f, uint64_t user_data)
{
	struct output *o = &s->output;
	int n;
	pixman_box32_t *b = pixman_region32_rectangles(&f->damage, &n);
	struct gfx_rect rects[MAX_FLIP_DAMAGE];

	if (n > MAX_FLIP_DAMAGE) {	/* the bounding box */
		b = pixman_region32_extents(&f->damage);
		n = 1;
	}
	for (int i = 0; i < n; i++)
		rects[i] = (struct gfx_rect){ b[i].x1, b[i].y1, (uint32_t)(b[i].x2 - b[i].x1),
					      (uint32_t)(b[i].y2 - b[i].y1) };
	return gfx_flip_damage(s->gfx, o->fb[o->back], rects, (unsigned int)n, user_data);
}

static int flip(struct server *s, struct frame *f)
{
	struct output *o = &s->output;
	struct repaint *rp = &s->repaint;
	int r = flip_damaged(s, f, ++rp->frame_no);

	if (r == 0)
		r = gfx_fence(s->gfx, false, &rp->frame_fence);
	if (r == 0)
		r = gfx_submit(s->gfx);
	rp->submit_ns = now_ns();
	if (r < 0)
		return r;
	o->fb_painted[o->back] = true;
	rp->state = REPAINT_AWAITING_FLIP;
	/* The watchdog, in case the flip's interrupt is lost (see on_vblank_timer). */
	arm_timer(rp->vblank_timer_fd, now_ns() + WATCHDOG_PERIODS * o->period_ns);
	/* Uploads into these must wait until the GPU has read them. */
	for (size_t i = 0; i < f->scene.n; i++)
		if (f->scene.items[i].kind == ITEM_SURFACE)
			f->scene.items[i].surface->bo_fence = rp->frame_fence;
	cursor_frame_submitted(s, rp->frame_fence);
	return 0;
}

/* Nothing to show, or nothing could be: a timer stands in for the next vblank. */
static void idle_frame(struct server *s)
{
	s->repaint.state = REPAINT_AWAITING_VBLANK;
	arm_timer(s->repaint.vblank_timer_fd, next_vblank_after(s, now_ns()));
}

static void repaint(struct server *s)
{
	struct frame f = { 0 };

	s->repaint.needed = false;
	pixman_region32_init(&f.damage);
	pixman_region32_init(&f.paint);
	build_scene(s, &f);
	accumulate_damage(s, &f);
	take_frame_callbacks(s);
	if (!pixman_region32_not_empty(&f.damage) || !s->output.connected) {
		idle_frame(s);	/* no display: the clients' frames go on, unshown */
	} else if (render(s, &f) < 0 || flip(s, &f) < 0) {
		log_msg("repaint failed: %s", gfx_last_error(s->gfx));
		/* Try again with a full repaint next vblank. */
		s->output.fb_painted[0] = s->output.fb_painted[1] = false;
		idle_frame(s);
	}
	pixman_region32_fini(&f.paint);
	pixman_region32_fini(&f.damage);
	scene_fini(&f.scene);
}

static int on_repaint_timer(int fd, uint32_t mask, void *data)
{
	struct server *s = data;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return 0;
	if (s->repaint.state == REPAINT_SCHEDULED) {
		acquire_poll(s);	/* commits whose GPU work finished since: this frame */
		repaint(s);
	}
	return 0;
}

/* ---- 5. frame callbacks and feedback ---- */

static void send_frame_done(struct server *s, bool presented, uint64_t seq, uint64_t time_ns)
{
	struct repaint *rp = &s->repaint;
	struct wl_resource *cb, *tmp;
	uint32_t ms = (uint32_t)(time_ns / NS_PER_MS);

	wl_resource_for_each_safe(cb, tmp, &rp->frame_callbacks) {
		wl_callback_send_done(cb, ms);
		wl_resource_destroy(cb);
	}
	presentation_send(&rp->feedbacks, &s->output.resources, presented, time_ns, seq,
			  s->output.period_ns, s->output.present_flags);
}

/* A frame ended (flip latched, or the idle timer): callbacks, then the next repaint. */
static void frame_done(struct server *s, bool presented, uint64_t seq, uint64_t time_ns)
{
	struct repaint *rp = &s->repaint;
	uint64_t period = s->output.period_ns;

	send_frame_done(s, presented, seq, time_ns);
	if (rp->state == REPAINT_STOPPED)
		return;
	rp->state = REPAINT_IDLE;
	if (!rp->needed)
		return;
	uint64_t when = time_ns + period - rp->window_ns, now = now_ns();
	if (when < now)
		when = now;
	else if (when > now + period)	/* another clock (see next_vblank_after) */
		when = now + period - rp->window_ns;
	arm_timer(rp->timer_fd, when);
	rp->state = REPAINT_SCHEDULED;
}

static void count_late(struct server *s, uint64_t seq)
{
	struct repaint *rp = &s->repaint;

	if (!rp->target_seq || seq <= rp->target_seq)
		return;
	rp->late++;
	log_debug(s->verbose, "frame %llu late: latched at vblank %llu, aimed at %llu; repaint "
		  "started %.2f ms and was submitted %.2f ms before the aimed vblank",
		  (unsigned long long)rp->frame_no, (unsigned long long)seq,
		  (unsigned long long)rp->target_seq,
		  ((int64_t)rp->aim_vblank_ns - (int64_t)rp->repaint_ns) / 1e6,
		  ((int64_t)rp->aim_vblank_ns - (int64_t)rp->submit_ns) / 1e6);
}

void repaint_flip_done(struct server *s, uint64_t seq, uint64_t time_ns, uint64_t user_data)
{
	struct repaint *rp = &s->repaint;

	if (rp->state != REPAINT_AWAITING_FLIP || user_data != rp->frame_no)
		return;
	if (rp->last_vblank_seq && seq > rp->last_vblank_seq + 1 && rp->frames)
		rp->missed += seq - rp->last_vblank_seq - 1;
	count_late(s, seq);
	rp->last_vblank_seq = seq;
	rp->last_vblank_ns = time_ns;
	rp->frames++;
	s->output.back ^= 1;
	frame_done(s, true, seq, time_ns);
}

/* ---- the watchdog and the idle frame's vblank ---- */

/* Half a second without the flip: the engine hangs or dropped it. Reset it,
 * forget the frame, repaint everything. */
static void recover_hung_frame(struct server *s)
{
	struct repaint *rp = &s->repaint;
	uint64_t seq = 0, ts = 0;

	log_msg("frame %llu was not flipped in %llu ms: resetting the GPU engine",
		(unsigned long long)rp->frame_no,
		(unsigned long long)((now_ns() - rp->submit_ns) / NS_PER_MS));
	gfx_reset(s->gfx);
	s->output.fb_painted[0] = s->output.fb_painted[1] = false;
	output_damage_whole(s);
	gfx_last_vblank(s->gfx, &seq, &ts);
	frame_done(s, false, seq, ts ? ts : now_ns());
	repaint_schedule(s);
}

static void flip_watchdog(struct server *s)
{
	struct repaint *rp = &s->repaint;
	uint64_t before = rp->frames, period = s->output.period_ns;

	if (!server_dispatch_gfx(s))
		return;
	if (rp->frames != before) {
		if (!rp->lost_irq_logged++)
			log_msg("a flip completed without its interrupt; recovered from the flip log");
	} else if (rp->state != REPAINT_AWAITING_FLIP) {
		return;
	} else if (now_ns() - rp->submit_ns > HANG_PERIODS * period) {
		recover_hung_frame(s);
	} else {
		arm_timer(rp->vblank_timer_fd, now_ns() + WATCHDOG_PERIODS * period);
	}
}

static int on_vblank_timer(int fd, uint32_t mask, void *data)
{
	struct server *s = data;
	struct repaint *rp = &s->repaint;
	uint64_t n, seq = 0, ts = 0;

	if (read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return 0;
	if (rp->state == REPAINT_AWAITING_FLIP) {
		flip_watchdog(s);
		return 0;
	}
	if (rp->state != REPAINT_AWAITING_VBLANK)
		return 0;
	gfx_last_vblank(s->gfx, &seq, &ts);
	frame_done(s, false, seq, ts ? ts : now_ns());
	return 0;
}

/* ---- lifecycle ---- */

static struct wl_event_source *add_timer(struct server *s, int *fd, wl_event_loop_fd_func_t fn)
{
	*fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (*fd < 0) {
		log_msg("timerfd: %s", strerror(errno));
		return NULL;
	}
	return wl_event_loop_add_fd(s->loop, *fd, WL_EVENT_READABLE, fn, s);
}

int repaint_init(struct server *s)
{
	struct repaint *rp = &s->repaint;
	const char *w = getenv("GFX_COMPOSITOR_REPAINT_WINDOW_MS");

	rp->window_ns = w ? (int64_t)(atof(w) * NS_PER_MS) : (int64_t)DEFAULT_REPAINT_WINDOW_NS;
	if (rp->window_ns >= (int64_t)s->output.period_ns)
		rp->window_ns = s->output.period_ns / 2;
	wl_list_init(&rp->frame_callbacks);
	wl_list_init(&rp->feedbacks);
	rp->timer_fd = rp->vblank_timer_fd = -1;
	rp->timer_source = add_timer(s, &rp->timer_fd, on_repaint_timer);
	rp->vblank_timer_source = add_timer(s, &rp->vblank_timer_fd, on_vblank_timer);
	return rp->timer_source && rp->vblank_timer_source ? 0 : -1;
}

void repaint_stop(struct server *s)
{
	s->repaint.state = REPAINT_STOPPED;
}

void repaint_fini(struct server *s)
{
	struct repaint *rp = &s->repaint;

	repaint_stop(s);
	log_msg("%llu frames, %llu latched later than aimed", (unsigned long long)rp->frames,
		(unsigned long long)rp->late);
	/* Let the GPU finish before its buffers go. */
	gfx_finish(s->gfx, FINISH_TIMEOUT_NS);
	if (rp->timer_source)
		wl_event_source_remove(rp->timer_source);
	if (rp->vblank_timer_source)
		wl_event_source_remove(rp->vblank_timer_source);
	if (rp->timer_fd >= 0)
		close(rp->timer_fd);
	if (rp->vblank_timer_fd >= 0)
		close(rp->vblank_timer_fd);
	/* What clients were left waiting for (their resources are gone with them by now). */
	presentation_discard_list(&rp->feedbacks);
}
