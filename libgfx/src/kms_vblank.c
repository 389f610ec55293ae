/* SPDX-License-Identifier: MIT */
/*
 * kms_vblank.c - vblanks and events of a KMS output (kms_output.h): the
 * CRTC's vblanks, or virtual ones at the mode's rate where the driver has
 * none (paced), flip and vblank events read from the card's fd, and
 * gfx_dispatch().
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include "kms_output.h"

#define KMS_COOKIE_EVENTS	1	/* sequence user data of the vblank-event stream */
#define KMS_COOKIE_WAIT		2	/* ... of gfx_wait_vblank's request */

/* The output drmHandleEvent() reads for (its handlers get no context). */
static __thread struct gfx_device *reading_dev;
static __thread struct kms_output *reading;

/* ---- the virtual vblanks of a paced output ---- */

uint64_t kms_output_paced_seq(const struct kms_output *o, int64_t t)
{
	return t <= o->pace_t0 ? 0 : (uint64_t)(t - o->pace_t0) / o->period_ns;
}

static int64_t paced_time(const struct kms_output *o, uint64_t seq)
{
	return o->pace_t0 + (int64_t)(seq * o->period_ns);
}

/* ---- pacing, where the driver has no vblank ---- */

static void paced_arm(struct kms_output *o)
{
	struct itimerspec its = { 0 };
	int64_t t;

	if (o->held_flip || o->vblank_armed) {
		t = paced_time(o, kms_output_paced_seq(o, gfx_now_ns()) + 1);
		its.it_value.tv_sec = t / 1000000000LL;
		its.it_value.tv_nsec = t % 1000000000LL;
	}
	timerfd_settime(o->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void queue_event(struct gfx_device *dev, struct kms_output *o, enum gfx_event_type type,
			uint64_t seq, uint64_t time_ns, uint64_t user_data, uint32_t present_flags);

/* A virtual vblank passed: show the held flip, tell of the vblank. */
static void paced_tick(struct gfx_device *dev, struct kms_output *o)
{
	uint64_t junk, seq = kms_output_paced_seq(o, gfx_now_ns());
	uint64_t t = (uint64_t)paced_time(o, seq);

	(void)!read(o->timer_fd, &junk, sizeof(junk));
	if (o->held_flip && seq > o->held_after) {
		o->held_flip = o->flip_pending = false;
		o->last_flip_seq = seq;
		if (o->latched)
			o->latched(dev);
		queue_event(dev, o, GFX_EVENT_FLIP_DONE, seq, t, o->held_user_data,
			    0);	/* our pacing: none of the display's guarantees */
	}
	if (o->vblank_armed && dev->vblank_events && seq > o->last_vbl_seq)
		queue_event(dev, o, GFX_EVENT_VBLANK, seq, t, 0, 0);
	o->vblank_armed = dev->vblank_events;
	o->last_vbl_seq = seq;
	o->last_vbl_ns = t;
	paced_arm(o);
}

/* ---- events ---- */

static void queue_event(struct gfx_device *dev, struct kms_output *o, enum gfx_event_type type,
			uint64_t seq, uint64_t time_ns, uint64_t user_data, uint32_t present_flags)
{
	uint64_t one = 1;

	if (o->queue_n == KMS_MAX_QUEUED_EVENTS)
		return;	/* a reader that never dispatches loses the newest */
	o->queue[o->queue_n++] = (struct kms_event){ type, seq, time_ns, user_data, present_flags };
	if (!dev->notify_pending) {	/* an event loop polling gfx_get_fd() wakes for it */
		(void)!write(dev->notify_fd, &one, sizeof(one));
		dev->notify_pending = true;
	}
}

static int arm_vblank_event(struct gfx_device *dev, struct kms_output *o)
{
	uint64_t queued;

	if (o->paced) {
		o->vblank_armed = true;
		paced_arm(o);
		return 0;
	}
	if (drmCrtcQueueSequence(o->fd, o->crtc_id, DRM_CRTC_SEQUENCE_RELATIVE, 1, &queued,
				 KMS_COOKIE_EVENTS) < 0)
		return errno == ENODEV ? gfx_lost(dev) :
		       gfx_set_error(dev, -errno, "queueing a vblank event: %s", strerror(errno));
	o->vblank_armed = true;
	return 0;
}

static void note_vblank(struct kms_output *o, uint64_t seq, uint64_t ns)
{
	if (seq >= o->last_vbl_seq) {
		o->last_vbl_seq = seq;
		o->last_vbl_ns = ns;
	}
}

void kms_output_shown(struct gfx_device *dev, struct kms_output *o, uint64_t user_data)
{
	uint64_t seq = 0, ns = 0;

	if (o->paced) {	/* at the next virtual vblank, as a flip's event is */
		o->flip_pending = o->held_flip = true;
		o->held_user_data = user_data;
		o->held_after = kms_output_paced_seq(o, gfx_now_ns());
		paced_arm(o);
		return;
	}
	if (drmCrtcGetSequence(o->fd, o->crtc_id, &seq, &ns) == 0)
		note_vblank(o, seq, ns);
	else
		ns = (uint64_t)gfx_now_ns();
	o->last_flip_seq = seq;
	if (o->latched)
		o->latched(dev);
	queue_event(dev, o, GFX_EVENT_FLIP_DONE, seq, ns, user_data, 0);
}

static void on_flip(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
		    unsigned int crtc_id, void *user_data)
{
	struct kms_output *o = reading;
	uint64_t ns = sec * 1000000000ull + usec * 1000ull;

	if (o->paced) {	/* queued, not shown: shown at the virtual vblank after the commit */
		o->held_flip = true;
		o->held_user_data = (uintptr_t)user_data;
		paced_arm(o);
		return;
	}
	/* The event's sequence is 32 bits of the CRTC's 64-bit vblank count. */
	o->last_flip_seq += (uint32_t)(seq - (uint32_t)o->last_flip_seq);
	o->flip_pending = false;
	if (o->latched)
		o->latched(reading_dev);
	note_vblank(o, o->last_flip_seq, ns);
	queue_event(reading_dev, o, GFX_EVENT_FLIP_DONE, o->last_flip_seq, ns, (uintptr_t)user_data,
		    GFX_PRESENT_HW);
}

static void on_sequence(int fd, uint64_t seq, uint64_t ns, uint64_t cookie)
{
	struct kms_output *o = reading;

	note_vblank(o, seq, ns);
	if (cookie == KMS_COOKIE_WAIT) {
		o->wait_vblank_seen = true;
		o->wait_vblank_seq = seq;
		o->wait_vblank_ns = ns;
		return;
	}
	o->vblank_armed = false;
	if (!reading_dev->vblank_events)
		return;
	queue_event(reading_dev, o, GFX_EVENT_VBLANK, seq, ns, 0, 0);
	arm_vblank_event(reading_dev, o);
}

int kms_output_read_events(struct gfx_device *dev, struct kms_output *o)
{
	drmEventContext ctx = { .version = DRM_EVENT_CONTEXT_VERSION,
				.page_flip_handler2 = on_flip, .sequence_handler = on_sequence };
	struct pollfd pfd = { .fd = o->timer_fd, .events = POLLIN };
	uint64_t v;
	int r;

	reading_dev = dev;
	reading = o;
	while ((r = drmHandleEvent(o->fd, &ctx)) == 0)
		;
	reading = NULL;
	reading_dev = NULL;
	if (errno != EAGAIN && errno != EINTR && drmGetCap(o->fd, DRM_CAP_DUMB_BUFFER, &v) < 0 &&
	    errno == ENODEV)	/* gone, or a read error: only an ioctl tells them apart */
		return gfx_lost(dev);
	if (o->paced && poll(&pfd, 1, 0) == 1)
		paced_tick(dev, o);
	return 0;
}

int kms_output_pump(struct gfx_device *dev, struct kms_output *o, int64_t deadline_ns)
{
	struct pollfd pfd[2] = { { .fd = o->fd, .events = POLLIN },
				 { .fd = o->timer_fd, .events = POLLIN } };
	int64_t left = deadline_ns - gfx_now_ns();
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(pfd, o->paced ? 2 : 1, (int)((left + 999999) / 1000000));
	if (r < 0 && errno != EINTR)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	return kms_output_read_events(dev, o);
}

int kms_output_set_vblank_events(struct gfx_device *dev, struct kms_output *o, bool on)
{
	int r = on && !o->paced ? kms_output_crtc_on(dev, o) : 0;

	if (r < 0)
		return r;
	dev->vblank_events = on;
	return on && !o->vblank_armed ? arm_vblank_event(dev, o) : 0;
}

int kms_output_last_vblank(struct gfx_device *dev, struct kms_output *o, uint64_t *seq,
			   uint64_t *time_ns)
{
	if (dev->lost)
		return gfx_lost(dev);
	if (o->paced) {
		*seq = kms_output_paced_seq(o, gfx_now_ns());
		*time_ns = (uint64_t)paced_time(o, *seq);
		return 0;
	}
	/*
	 * An event told of a vblank less than half a period ago: no vblank
	 * came since, so that is the last one (a compositor asks just after a
	 * flip event; this saves it an ioctl per frame).
	 */
	if (o->last_vbl_ns && (uint64_t)gfx_now_ns() - o->last_vbl_ns < o->period_ns / 2) {
		*seq = o->last_vbl_seq;
		*time_ns = o->last_vbl_ns;
		return 0;
	}
	if (!o->crtc_on || drmCrtcGetSequence(o->fd, o->crtc_id, seq, time_ns) < 0)
		*seq = *time_ns = 0;	/* the display is off: no vblank yet */
	else
		note_vblank(o, *seq, *time_ns);
	return 0;
}

/*
 * A paced output's wait: sleep to the next virtual vblank, then take what
 * it brought (a held flip's event, for gfx_dispatch(), which the notify fd
 * tells the event loop of).
 */
static int paced_wait(struct gfx_device *dev, struct kms_output *o, uint64_t *seq,
		      uint64_t *time_ns)
{
	uint64_t next = kms_output_paced_seq(o, gfx_now_ns()) + 1;
	int64_t t = paced_time(o, next);
	struct timespec ts = { t / 1000000000LL, t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	if (seq)
		*seq = next;
	if (time_ns)
		*time_ns = (uint64_t)t;
	return kms_output_read_events(dev, o);
}

int kms_output_wait_vblank(struct gfx_device *dev, struct kms_output *o, uint64_t *seq,
			   uint64_t *time_ns, int64_t timeout_ns)
{
	int64_t deadline = timeout_ns < 0 ? INT64_MAX : gfx_now_ns() + timeout_ns;
	uint64_t queued;
	int r = o->paced ? 0 : kms_output_crtc_on(dev, o);

	if (r < 0 || o->paced)
		return r < 0 ? r : paced_wait(dev, o, seq, time_ns);
	o->wait_vblank_seen = false;
	if (drmCrtcQueueSequence(o->fd, o->crtc_id, DRM_CRTC_SEQUENCE_RELATIVE, 1, &queued,
				 KMS_COOKIE_WAIT) < 0)
		return errno == ENODEV ? gfx_lost(dev) :
		       gfx_set_error(dev, -errno, "queueing a vblank wait: %s", strerror(errno));
	while (!o->wait_vblank_seen) {
		r = kms_output_pump(dev, o, deadline);
		if (r == -ETIMEDOUT)
			return gfx_set_error(dev, r, "no vblank within %lld ms",
					     (long long)(timeout_ns / 1000000));
		if (r < 0)
			return r;
	}
	if (seq)
		*seq = o->wait_vblank_seq;
	if (time_ns)
		*time_ns = o->wait_vblank_ns;
	return 0;
}

static int deliver(struct gfx_device *dev, struct kms_output *o, gfx_event_handler handler,
		   void *data)
{
	int events = 0;

	for (unsigned int i = 0; i < dev->errors_n; i++, events++) {
		struct gfx_event ev = { .type = GFX_EVENT_ERROR, .error_code = dev->errors[i].code,
					.error_offset = dev->errors[i].offset };

		if (handler)
			handler(dev, &ev, data);
	}
	dev->errors_n = 0;
	for (unsigned int i = 0; o && i < o->queue_n; i++, events++) {
		struct gfx_event ev = { .type = o->queue[i].type, .seq = o->queue[i].seq,
					.time_ns = o->queue[i].time_ns,
					.user_data = o->queue[i].user_data,
					.present_flags = o->queue[i].present_flags };

		if (handler)
			handler(dev, &ev, data);
	}
	if (o)
		o->queue_n = 0;
	return events;
}

int kms_output_dispatch(struct gfx_device *dev, struct kms_output *o, uint64_t done,
			uint64_t *reported, gfx_event_handler handler, void *data)
{
	uint64_t junk;
	int events;

	if (!dev->lost && o)
		kms_output_read_events(dev, o);
	if (dev->lost) {
		if (!dev->lost_reported) {
			struct gfx_event ev = { .type = GFX_EVENT_DEVICE_LOST };

			dev->lost_reported = true;
			if (handler)
				handler(dev, &ev, data);
		}
		return gfx_lost(dev);
	}
	if (dev->notify_pending) {
		(void)!read(dev->notify_fd, &junk, sizeof(junk));
		dev->notify_pending = false;
	}
	events = deliver(dev, o, handler, data);
	if (done != *reported) {
		struct gfx_event ev = { .type = GFX_EVENT_FENCE, .seq = done };

		*reported = done;
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	return events;
}
