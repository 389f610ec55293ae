/* SPDX-License-Identifier: MIT */
/* acquire.c - commits that wait for their buffer's fence (acquire.h). */
#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "acquire.h"
#include "core.h"
#include "gpu_context.h"
#include "repaint.h"
#include "surface.h"
#include "util.h"
#include "vram_buffer.h"
#include "gfx-context-v1-server-protocol.h"

/* The hardware context of the commit's new buffer (vram_buffer.context); 0 for none. */
static int buffer_context(struct surface_state *st)
{
	struct vram_buffer *vb = st->new_buffer ? vram_buffer_from_resource(st->buffer) : NULL;

	return vb ? (int)vb->context : 0;
}

bool acquire_check(struct surface *s, struct surface_state *st)
{
	if (!st->acquire_set || buffer_context(st) > 0)
		return true;
	wl_resource_post_error(s->gpu_surface ? s->gpu_surface : s->resource,
			       GFX_CONTEXT_SURFACE_V1_ERROR_NO_BUFFER,
			       "an acquire point for a commit without a buffer of a hardware context "
			       "(gfx_context_v1, or a dma-buf of a user-mode queue's window)");
	return false;
}

bool acquire_defer(struct surface_state *st)
{
	return st->acquire_set && buffer_context(st) > 0;
}

/*
 * The first look after a commit began to wait. The clients commit early in
 * the frame (at their frame callback) and their GPU work takes well under
 * this, so most commits apply at this look, outside the repaint window.
 * Applied by the repaint, their work sat inside the window: with 16 windows
 * of 4 GPU clients (make bench-vm's gcomp, 30 Hz, TCG, 2 rounds with the
 * frame log) the repaint's look, scene and damage took p50 2.0 ms on queues
 * and 1.7 ms on UIO, against 1.25 ms on classic DRM (whose commits apply
 * at once), and 94 of 740 frames on queues missed their vblank (UIO 50 of
 * 778, classic 54 of 765). With this look: 1.07, 0.94 and 1.08 ms, and 35,
 * 15 and 34 late frames, for about one more timer wake-up a frame. In 10
 * rounds (docs/compositor.md, "Fences") the queue path's p99 frame latency
 * went from 2.02x classic's to 1.00x, its compositor CPU per frame from
 * 1.03x classic's to 1.11x.
 */
#define ACQUIRE_FIRST_LOOK_NS	(2 * NS_PER_MS)

/*
 * One pass over the waiting surfaces reads each context's fence at most
 * once. On gfx_drm a read is a GET_PARAM: checked per commit and per waiting
 * surface, 16 windows of 4 queue clients cost the compositor about 19 of
 * them a frame (traced, the kframe workload of make bench-vm); per context
 * and pass it is at most one per client.
 */
struct fence_pass {
	uint64_t done[GFX_MAX_CONTEXTS];
	uint32_t read, valid;		/* bit c: context c read, and readable */
};

/* ctx (1 .. GFX_MAX_CONTEXTS - 1) passed point, as read once in this pass. */
static bool passed(struct server *srv, struct fence_pass *fp, int ctx, uint64_t point)
{
	uint32_t bit;

	if (ctx >= (int)GFX_MAX_CONTEXTS)
		return false;
	bit = 1u << ctx;
	if (!(fp->read & bit) && gpu_context_fence(srv, ctx, &fp->done[ctx]))
		fp->valid |= bit;
	fp->read |= bit;
	return (fp->valid & bit) && gfx_seqno_passed(fp->done[ctx], point);
}

/* The next look in `after` ns, at most an output period (on_timer doubles it). */
static void arm(struct server *s, uint64_t after)
{
	struct itimerspec its = { 0 };

	if (after > s->output.period_ns)
		after = s->output.period_ns;
	its.it_value.tv_sec = (time_t)(after / NS_PER_SEC);
	its.it_value.tv_nsec = (long)(after % NS_PER_SEC);
	s->acquire_next_ns = after;
	timerfd_settime(s->acquire_timer_fd, 0, &its, NULL);
}

void acquire_wait(struct surface *s)
{
	struct server *srv = s->server;

	if (wl_list_empty(&srv->waiting_surfaces))
		arm(srv, ACQUIRE_FIRST_LOOK_NS);
	wl_list_insert(srv->waiting_surfaces.prev, &s->waiting_link);
	/* The next repaint looks again: a fence passed by then shows in that frame. */
	repaint_schedule(srv);
}

void acquire_forget(struct surface *s)
{
	wl_list_remove(&s->waiting_link);
	wl_list_init(&s->waiting_link);
	s->has_waiting = false;
}

void acquire_poll(struct server *srv)
{
	struct fence_pass fp = { .read = 0 };
	struct surface *s, *tmp;

	wl_list_for_each_safe(s, tmp, &srv->waiting_surfaces, waiting_link) {
		struct surface_state *st = &s->waiting;

		if (acquire_defer(st) && !passed(srv, &fp, buffer_context(st), st->acquire_point))
			continue;
		acquire_forget(s);
		surface_commit_waiting(s);
	}
}

/* While surfaces wait: apply those whose fence passed, looking less often as they keep waiting. */
static int on_timer(int fd, uint32_t mask, void *data)
{
	struct server *srv = data;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return 0;
	acquire_poll(srv);
	if (!wl_list_empty(&srv->waiting_surfaces))
		arm(srv, srv->acquire_next_ns * 2);
	return 0;
}

int acquire_init(struct server *s)
{
	wl_list_init(&s->waiting_surfaces);
	s->acquire_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->acquire_timer_fd < 0) {
		log_msg("timerfd: %s", strerror(errno));
		return -1;
	}
	s->acquire_timer = wl_event_loop_add_fd(s->loop, s->acquire_timer_fd, WL_EVENT_READABLE,
						on_timer, s);
	return s->acquire_timer ? 0 : -1;
}

void acquire_fini(struct server *s)
{
	if (s->acquire_timer)
		wl_event_source_remove(s->acquire_timer);
	if (s->acquire_timer_fd >= 0)
		close(s->acquire_timer_fd);
	s->acquire_timer = NULL;
	s->acquire_timer_fd = -1;
}
