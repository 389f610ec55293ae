/* SPDX-License-Identifier: MIT */
/*
 * kms_vblank.c - vblanks and events of a KMS output (kms_output.h): the
 * CRTC's vblanks, or virtual ones at the mode's rate where the driver has
 * none (paced: pacer.h), flip and vblank events read from the card's fd,
 * and gfx_dispatch().
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <xf86drm.h>

#include "kms_hotplug.h"
#include "kms_output.h"

#define KMS_COOKIE_EVENTS	1	/* sequence user data of the vblank-event stream */
#define KMS_COOKIE_WAIT		2	/* ... of gfx_wait_vblank's request */
#define KMS_EVENT_BUF		1024	/* bytes per read(): 32 events (libdrm reads as much) */

static void push(struct gfx_device *dev, struct kms_output *o, enum gfx_event_type type,
		 uint64_t seq, uint64_t time_ns, uint64_t user_data, uint32_t present_flags)
{
	gfx_evq_push(dev, &o->events, &(struct gfx_event){ .type = type, .seq = seq,
		     .time_ns = time_ns, .user_data = user_data, .present_flags = present_flags });
}

static int arm_vblank_event(struct gfx_device *dev, struct kms_output *o)
{
	uint64_t queued;

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

/* A flip of ours reached the screen (its FLIP_DONE is queued, or paced: now queued). */
static void latched(struct gfx_device *dev, struct kms_output *o, uint64_t seq)
{
	o->last_flip_seq = seq;
	o->flip_pending = false;
	if (o->latched)
		o->latched(dev);
}

void kms_output_shown(struct gfx_device *dev, struct kms_output *o, uint64_t user_data)
{
	uint64_t seq = 0, ns = 0;

	if (o->paced) {	/* at the next virtual vblank, as a flip's event is */
		o->flip_pending = true;
		gfx_pacer_hold(&o->pace, user_data, gfx_pacer_seq(&o->pace, gfx_now_ns()));
		return;
	}
	if (drmCrtcGetSequence(o->fd, o->crtc_id, &seq, &ns) == 0)
		note_vblank(o, seq, ns);
	else
		ns = (uint64_t)gfx_now_ns();
	latched(dev, o, seq);
	push(dev, o, GFX_EVENT_FLIP_DONE, seq, ns, user_data, 0);
}

static void on_flip(struct gfx_device *dev, struct kms_output *o,
		    const struct drm_event_vblank *e)
{
	uint64_t ns = e->tv_sec * 1000000000ull + e->tv_usec * 1000ull;

	if (o->paced) {	/* queued, not shown: shown at the virtual vblank after the commit */
		gfx_pacer_hold(&o->pace, e->user_data, o->commit_seq);
		return;
	}
	/* The event's sequence is 32 bits of the CRTC's 64-bit vblank count. */
	latched(dev, o, o->last_flip_seq + (uint32_t)(e->sequence - (uint32_t)o->last_flip_seq));
	note_vblank(o, o->last_flip_seq, ns);
	push(dev, o, GFX_EVENT_FLIP_DONE, o->last_flip_seq, ns, e->user_data, GFX_PRESENT_HW);
}

static void on_sequence(struct gfx_device *dev, struct kms_output *o,
			const struct drm_event_crtc_sequence *e)
{
	uint64_t seq = e->sequence, ns = (uint64_t)e->time_ns, cookie = e->user_data;

	note_vblank(o, seq, ns);
	if (cookie == KMS_COOKIE_WAIT) {
		o->wait_vblank_seen = true;
		o->wait_vblank_seq = seq;
		o->wait_vblank_ns = ns;
		return;
	}
	o->vblank_armed = false;
	if (!dev->vblank_events)
		return;
	push(dev, o, GFX_EVENT_VBLANK, seq, ns, 0, 0);
	arm_vblank_event(dev, o);
}

/*
 * The events in what one read() returned. The kernel fills the buffer
 * with whole events while they fit, so a short read took every event
 * queued: true if the buffer came back nearly full (read again).
 */
static bool parse_events(struct gfx_device *dev, struct kms_output *o, const char *buf, size_t n)
{
	size_t at = 0;

	while (at + sizeof(struct drm_event) <= n) {
		struct drm_event h;

		memcpy(&h, buf + at, sizeof(h));
		if (h.length < sizeof(h) || h.length > n - at)
			break;
		if (h.type == DRM_EVENT_FLIP_COMPLETE && h.length >= sizeof(struct drm_event_vblank)) {
			struct drm_event_vblank e;

			memcpy(&e, buf + at, sizeof(e));
			on_flip(dev, o, &e);
		} else if (h.type == DRM_EVENT_CRTC_SEQUENCE &&
			   h.length >= sizeof(struct drm_event_crtc_sequence)) {
			struct drm_event_crtc_sequence e;

			memcpy(&e, buf + at, sizeof(e));
			on_sequence(dev, o, &e);
		}
		at += h.length;
	}
	return n > KMS_EVENT_BUF - 2 * sizeof(struct drm_event_crtc_sequence);
}

/* What the card and the pacing timer hold now: 1 if it was anything, 0 if not, or -ENODEV. */
static int take(struct gfx_device *dev, struct kms_output *o)
{
	char buf[KMS_EVENT_BUF];
	unsigned int queued = o->events.n;
	ssize_t n, got = 0;
	uint64_t v;

	/* One read() per wake-up: a second one only if the first came back full. */
	do
		got += (n = read(o->fd, buf, sizeof(buf))) > 0 ? n : 0;
	while (n > 0 && parse_events(dev, o, buf, (size_t)n));
	if (n < 0 && errno != EAGAIN && errno != EINTR &&
	    drmGetCap(o->fd, DRM_CAP_DUMB_BUFFER, &v) < 0 &&
	    errno == ENODEV)	/* gone, or a read error: only an ioctl tells them apart */
		return gfx_lost(dev);
	if (o->paced && gfx_pacer_tick(dev, &o->pace, &o->events))
		latched(dev, o, o->pace.last_seq);
	return got > 0 || o->events.n != queued;
}

int kms_output_read_events(struct gfx_device *dev, struct kms_output *o)
{
	int r = take(dev, o);

	return r < 0 ? r : 0;
}

int kms_output_pump(struct gfx_device *dev, struct kms_output *o, int64_t deadline_ns)
{
	struct pollfd pfd[2] = { { .fd = o->fd, .events = POLLIN },
				 { .fd = o->pace.timer_fd, .events = POLLIN } };
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
	if (o->paced) {
		gfx_pacer_set_vblanks(&o->pace, on);
		return 0;
	}
	return on && !o->vblank_armed ? arm_vblank_event(dev, o) : 0;
}

int kms_output_last_vblank(struct gfx_device *dev, struct kms_output *o, uint64_t *seq,
			   uint64_t *time_ns)
{
	if (dev->lost)
		return gfx_lost(dev);
	if (o->paced) {
		*seq = gfx_pacer_seq(&o->pace, gfx_now_ns());
		*time_ns = (uint64_t)gfx_pacer_time(&o->pace, *seq);
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

int kms_output_wait_vblank(struct gfx_device *dev, struct kms_output *o, uint64_t *seq,
			   uint64_t *time_ns, int64_t timeout_ns)
{
	int64_t deadline = timeout_ns < 0 ? INT64_MAX : gfx_now_ns() + timeout_ns;
	uint64_t queued;
	int r;

	if (o->paced) {	/* then take what it brought (a held flip's event, for gfx_dispatch) */
		gfx_pacer_sleep(&o->pace, seq, time_ns);
		return kms_output_read_events(dev, o);
	}
	r = kms_output_crtc_on(dev, o);
	if (r < 0)
		return r;
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

int kms_output_dispatch(struct gfx_device *dev, struct kms_output *o, uint64_t done,
			uint64_t *reported, gfx_event_handler handler, void *data)
{
	if (!dev->lost && o) {
		dev->dispatching = true;
		/*
		 * A wake-up the card and the timer do not explain may be the
		 * hotplug socket's: read it then only, which costs a frame's
		 * wake-ups no system call. The display changes here and only
		 * here, so a flip never meets a mode it was not checked against.
		 */
		if (take(dev, o) == 0 && o->hotplug_fd >= 0 &&
		    kms_hotplug_read(o->hotplug_fd, o->card))
			kms_output_reprobe(dev, o);
		dev->dispatching = false;
	}
	return gfx_evq_dispatch(dev, o ? &o->events : NULL, done, reported, handler, data);
}
