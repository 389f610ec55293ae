/* SPDX-License-Identifier: MIT */
/*
 * kms_output.c - one display through atomic KMS on any DRM card
 * (kms_output.h): choosing the objects, framebuffers, flips, vblanks (the
 * CRTC's, or paced at the mode's rate), and the events on the card's fd.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <xf86drm.h>

#include "kms_output.h"

#define KMS_FLIP_WAIT_NS	1000000000LL
#define KMS_COOKIE_EVENTS	1	/* sequence user data of the vblank-event stream */
#define KMS_COOKIE_WAIT		2	/* ... of gfx_wait_vblank's request */

/* The output drmHandleEvent() reads for (its handlers get no context). */
static __thread struct gfx_device *reading_dev;
static __thread struct kms_output *reading;

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && strcmp(p->name, name) == 0)
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static int find_props(struct kms_output *o)
{
#define P(f, obj, type, name) o->prop.f = prop_id(o->fd, o->obj, DRM_MODE_OBJECT_##type, name)
	P(fb_id, plane_id, PLANE, "FB_ID"); P(crtc_id, plane_id, PLANE, "CRTC_ID");
	P(src_x, plane_id, PLANE, "SRC_X"); P(src_y, plane_id, PLANE, "SRC_Y");
	P(src_w, plane_id, PLANE, "SRC_W"); P(src_h, plane_id, PLANE, "SRC_H");
	P(crtc_x, plane_id, PLANE, "CRTC_X"); P(crtc_y, plane_id, PLANE, "CRTC_Y");
	P(crtc_w, plane_id, PLANE, "CRTC_W"); P(crtc_h, plane_id, PLANE, "CRTC_H");
	P(conn_crtc_id, conn_id, CONNECTOR, "CRTC_ID");
	P(mode_id, crtc_id, CRTC, "MODE_ID"); P(active, crtc_id, CRTC, "ACTIVE");
#undef P
	return o->prop.fb_id && o->prop.crtc_id && o->prop.src_w && o->prop.crtc_w &&
	       o->prop.conn_crtc_id && o->prop.mode_id && o->prop.active ? 0 : -ENODEV;
}

/* The primary plane of the CRTC with index crtc_index. */
static uint32_t primary_plane(int fd, unsigned int crtc_index)
{
	drmModePlaneResPtr res = drmModeGetPlaneResources(fd);
	uint32_t id = 0;

	for (uint32_t i = 0; res && i < res->count_planes && !id; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, res->planes[i]);
		uint64_t type = 0;
		drmModeObjectPropertiesPtr props =
			drmModeObjectGetProperties(fd, res->planes[i], DRM_MODE_OBJECT_PLANE);

		for (uint32_t k = 0; props && k < props->count_props; k++) {
			drmModePropertyPtr pr = drmModeGetProperty(fd, props->props[k]);

			if (pr && strcmp(pr->name, "type") == 0)
				type = props->prop_values[k];
			drmModeFreeProperty(pr);
		}
		if (p && (p->possible_crtcs & (1u << crtc_index)) && type == DRM_PLANE_TYPE_PRIMARY)
			id = p->plane_id;
		drmModeFreeObjectProperties(props);
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(res);
	return id;
}

/* The index of a CRTC that can drive conn, or -1. */
static int crtc_for(int fd, drmModeResPtr res, drmModeConnectorPtr conn)
{
	for (int i = 0; i < conn->count_encoders; i++) {
		drmModeEncoderPtr e = drmModeGetEncoder(fd, conn->encoders[i]);
		uint32_t possible = e ? e->possible_crtcs : 0;

		drmModeFreeEncoder(e);
		for (int c = 0; c < res->count_crtcs; c++)
			if (possible & (1u << c))
				return c;
	}
	return -1;
}

/* The first connected connector with a mode, a CRTC for it, and its preferred mode. */
static int pick(struct kms_output *o)
{
	drmModeResPtr res = drmModeGetResources(o->fd);
	int r = -ENODEV;

	for (int i = 0; res && i < res->count_connectors && r < 0; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(o->fd, res->connectors[i]);
		int crtc = c && c->connection == DRM_MODE_CONNECTED && c->count_modes > 0 ?
			   crtc_for(o->fd, res, c) : -1;

		if (crtc >= 0 && (o->plane_id = primary_plane(o->fd, (unsigned int)crtc))) {
			o->conn_id = c->connector_id;
			o->crtc_id = res->crtcs[crtc];
			o->mode = c->modes[0];
			for (int m = 0; m < c->count_modes; m++)
				if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED) {
					o->mode = c->modes[m];
					break;
				}
			r = 0;
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	return r;
}

int kms_output_init(struct gfx_device *dev, struct kms_output *o, int fd)
{
	uint64_t seq, ns;
	int r;

	o->fd = fd;
	o->timer_fd = -1;
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0 ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) < 0)
		return gfx_set_error(dev, -errno, "atomic KMS refused: %s", strerror(errno));
	if (pick(o) < 0 || find_props(o) < 0 ||
	    drmModeCreatePropertyBlob(fd, &o->mode, sizeof(o->mode), &o->mode_blob) < 0)
		return gfx_set_error(dev, -ENODEV, "no connected connector with a mode, CRTC and "
				     "primary plane");
	o->refresh_mhz = (uint32_t)((uint64_t)o->mode.clock * 1000000 /
				    ((uint64_t)o->mode.htotal * o->mode.vtotal));
	o->period_ns = o->refresh_mhz ? 1000000000000ull / o->refresh_mhz : 16666667;
	dev->mode_width = o->mode.hdisplay;
	dev->mode_height = o->mode.vdisplay;
	/* EOPNOTSUPP: the driver has no vblank at all (EINVAL only says the CRTC is off). */
	r = drmCrtcGetSequence(fd, o->crtc_id, &seq, &ns) < 0 ? -errno : 0;
	if (r == -EOPNOTSUPP) {
		o->paced = true;
		o->pace_t0 = gfx_now_ns();
		o->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (o->timer_fd < 0)
			return gfx_set_error(dev, -errno, "timerfd: %s", strerror(errno));
	}
	return 0;
}

void kms_output_fini(struct kms_output *o)
{
	if (o->mode_blob)
		drmModeDestroyPropertyBlob(o->fd, o->mode_blob);
	if (o->timer_fd >= 0)
		close(o->timer_fd);
	o->timer_fd = -1;
	o->mode_blob = 0;
}

int kms_output_timer_fd(const struct kms_output *o)
{
	return o->timer_fd;
}

int kms_output_add_fb(struct gfx_device *dev, struct kms_output *o, uint32_t handle,
		      uint32_t offset, const struct gfx_bo *bo, uint32_t *fb_id)
{
	uint32_t handles[4] = { handle }, pitches[4] = { bo->stride }, offsets[4] = { offset };

	if (drmModeAddFB2(o->fd, bo->width, bo->height, bo->format, handles, pitches, offsets,
			  fb_id, 0) < 0)
		return gfx_set_error(dev, -errno, "ADDFB2 of a %ux%u buffer: %s", bo->width,
				     bo->height, strerror(errno));
	return 0;
}

void kms_output_rm_fb(struct kms_output *o, uint32_t fb_id)
{
	drmModeRmFB(o->fd, fb_id);
	if (fb_id == o->shown_fb) {
		o->shown_fb = 0;
		o->crtc_on = o->plane_on = o->flip_pending = o->held_flip = false;
	}
}

/* ---- the virtual vblanks of a paced output ---- */

/* The newest virtual vblank at or before t: its sequence. */
static uint64_t paced_seq(const struct kms_output *o, int64_t t)
{
	return t <= o->pace_t0 ? 0 : (uint64_t)(t - o->pace_t0) / o->period_ns;
}

static int64_t paced_time(const struct kms_output *o, uint64_t seq)
{
	return o->pace_t0 + (int64_t)(seq * o->period_ns);
}

/* ---- flips ---- */

/* The connector on the CRTC with the mode, and the CRTC on. */
static void add_crtc(struct kms_output *o, drmModeAtomicReqPtr req)
{
	drmModeAtomicAddProperty(req, o->conn_id, o->prop.conn_crtc_id, o->crtc_id);
	drmModeAtomicAddProperty(req, o->crtc_id, o->prop.mode_id, o->mode_blob);
	drmModeAtomicAddProperty(req, o->crtc_id, o->prop.active, 1);
}

/* The plane showing fb_id over the whole CRTC (all of it the first time). */
static void add_plane(struct kms_output *o, drmModeAtomicReqPtr req, uint32_t fb_id)
{
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.fb_id, fb_id);
	if (o->plane_on)
		return;
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.crtc_id, o->crtc_id);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.src_x, 0);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.src_y, 0);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.src_w, (uint64_t)o->mode.hdisplay << 16);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.src_h, (uint64_t)o->mode.vdisplay << 16);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.crtc_x, 0);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.crtc_y, 0);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.crtc_w, o->mode.hdisplay);
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.crtc_h, o->mode.vdisplay);
}

static int commit_flip(struct kms_output *o, uint32_t fb_id, uint64_t user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
	int r;

	if (!req)
		return -ENOMEM;
	if (!o->crtc_on) {
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
		add_crtc(o, req);
	}
	add_plane(o, req, fb_id);
	r = drmModeAtomicCommit(o->fd, req, flags, (void *)(uintptr_t)user_data) < 0 ? -errno : 0;
	drmModeAtomicFree(req);
	if (r == 0) {
		o->crtc_on = o->plane_on = o->flip_pending = true;
		o->shown_fb = fb_id;
		o->held_after = o->paced ? paced_seq(o, gfx_now_ns()) : 0;
	}
	return r;
}

/* Turn the CRTC on with the mode (blocking), for vblanks before the first flip. */
static int crtc_on(struct gfx_device *dev, struct kms_output *o)
{
	drmModeAtomicReqPtr req;
	int r;

	if (o->crtc_on)
		return 0;
	req = drmModeAtomicAlloc();
	if (!req)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	add_crtc(o, req);
	r = drmModeAtomicCommit(o->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) < 0 ? -errno : 0;
	drmModeAtomicFree(req);
	if (r < 0)
		return r == -ENODEV ? gfx_lost(dev) :
		       gfx_set_error(dev, r, "turning the display on: %s", strerror(-r));
	o->crtc_on = true;
	return 0;
}

static int pump(struct gfx_device *dev, struct kms_output *o, int64_t deadline_ns);

int kms_output_flip(struct gfx_device *dev, struct kms_output *o, uint32_t fb_id,
		    uint64_t user_data)
{
	int r = o->flip_pending ? -EBUSY : commit_flip(o, fb_id, user_data);

	if (r == -EINVAL && o->plane_on) {
		/* Someone else (another master, a removed framebuffer) changed the state. */
		o->crtc_on = o->plane_on = false;
		r = commit_flip(o, fb_id, user_data);
	}
	if (r == -EBUSY) {	/* our previous flip has not latched (or been shown) yet */
		int64_t deadline = gfx_now_ns() + KMS_FLIP_WAIT_NS;

		r = 0;
		while (o->flip_pending && (r = pump(dev, o, deadline)) == 0)
			;
		if (r == 0)
			r = commit_flip(o, fb_id, user_data);
	}
	if (r == -ENODEV)
		return gfx_lost(dev);
	return r < 0 ? gfx_set_error(dev, r, "atomic flip: %s", strerror(-r)) : 0;
}

/* ---- pacing, where the driver has no vblank ---- */

/* The timer at the virtual vblank after now, if anyone waits for one. */
static void paced_arm(struct kms_output *o)
{
	struct itimerspec its = { 0 };
	int64_t t;

	if (o->held_flip || o->vblank_armed) {
		t = paced_time(o, paced_seq(o, gfx_now_ns()) + 1);
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
	uint64_t junk, seq = paced_seq(o, gfx_now_ns());
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

/* Wait for the fds (or the deadline), then handle their events. */
static int pump(struct gfx_device *dev, struct kms_output *o, int64_t deadline_ns)
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
	int r = on && !o->paced ? crtc_on(dev, o) : 0;

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
		*seq = paced_seq(o, gfx_now_ns());
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
	uint64_t next = paced_seq(o, gfx_now_ns()) + 1;
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
	int r = o->paced ? 0 : crtc_on(dev, o);

	if (r < 0 || o->paced)
		return r < 0 ? r : paced_wait(dev, o, seq, time_ns);
	o->wait_vblank_seen = false;
	if (drmCrtcQueueSequence(o->fd, o->crtc_id, DRM_CRTC_SEQUENCE_RELATIVE, 1, &queued,
				 KMS_COOKIE_WAIT) < 0)
		return errno == ENODEV ? gfx_lost(dev) :
		       gfx_set_error(dev, -errno, "queueing a vblank wait: %s", strerror(errno));
	while (!o->wait_vblank_seen) {
		r = pump(dev, o, deadline);
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
