/* SPDX-License-Identifier: MIT */
/*
 * drm_kms.c - the display on the DRM driver: atomic KMS flips, vblanks
 * through the CRTC sequence ioctls, and the event loop on the DRM fd.
 *
 * gfx_flip() submits the job built so far, then commits the flip
 * (nonblocking, with a page-flip event carrying the user data). The kernel
 * queues the FLIP behind every job already in its ring, so the buffer is
 * complete when it goes on screen. KMS takes one pending flip per CRTC; a
 * second one waits here for the first one's event, as the user-mode driver's
 * ring stalls on a second FLIP. Events that waits take from the fd are
 * queued and handed out by gfx_dispatch().
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "drm_priv.h"

#define DRM_FLIP_WAIT_NS 1000000000LL

/* The device that drmHandleEvent() is reading for (its handlers get no context). */
static __thread struct gfx_device *reading;

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

static int find_props(struct gfx_drm *d)
{
	d->prop_fb_id = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID");
	d->prop_crtc_id = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID");
	d->prop_src_x = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_X");
	d->prop_src_y = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_Y");
	d->prop_src_w = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_W");
	d->prop_src_h = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_H");
	d->prop_crtc_x = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_X");
	d->prop_crtc_y = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_Y");
	d->prop_crtc_w = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_W");
	d->prop_crtc_h = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_H");
	d->prop_conn_crtc_id = prop_id(d->fd, d->conn_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	d->prop_mode_id = prop_id(d->fd, d->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	d->prop_active = prop_id(d->fd, d->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	return d->prop_fb_id && d->prop_crtc_id && d->prop_src_w && d->prop_crtc_w &&
	       d->prop_conn_crtc_id && d->prop_mode_id && d->prop_active ? 0 : -ENODEV;
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

/* The CRTC, its primary plane, the connector and its mode (as a property blob). */
int drm_kms_init(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;
	drmModeResPtr res;
	drmModeConnectorPtr conn = NULL;
	int r = -ENODEV;

	if (drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) < 0)
		return gfx_set_error(dev, -errno, "atomic KMS refused: %s", strerror(errno));
	res = drmModeGetResources(d->fd);
	if (res && res->count_crtcs > 0 && res->count_connectors > 0) {
		d->crtc_id = res->crtcs[0];
		d->conn_id = res->connectors[0];
		d->plane_id = primary_plane(d->fd, 0);
		conn = drmModeGetConnector(d->fd, d->conn_id);
	}
	if (conn && conn->count_modes > 0 && d->plane_id && find_props(d) == 0 &&
	    drmModeCreatePropertyBlob(d->fd, &conn->modes[0], sizeof(conn->modes[0]),
				      &d->mode_blob) == 0) {
		d->refresh_mhz = (uint32_t)((uint64_t)conn->modes[0].clock * 1000000 /
					    ((uint64_t)conn->modes[0].htotal * conn->modes[0].vtotal));
		d->kms = true;
		r = 0;
	}
	drmModeFreeConnector(conn);
	drmModeFreeResources(res);
	return r < 0 ? gfx_set_error(dev, r, "no CRTC, primary plane, connector or mode") : 0;
}

/* The framebuffer of bo, made on first use (or when its layout changed). */
static int fb_for(struct gfx_device *dev, const struct gfx_bo *bo, uint32_t *fb_id)
{
	struct gfx_drm *d = dev->drm;
	struct drm_bo *b = drm_bo_containing(d, bo->offset, bo->offset + (uint64_t)bo->stride *
					     bo->height);
	uint32_t handles[4] = { 0 }, pitches[4] = { bo->stride }, offsets[4] = { 0 };

	if (!b)
		return gfx_set_error(dev, -EINVAL, "flip buffer at 0x%x is not a buffer of this device",
				     bo->offset);
	if (b->fb_id && b->fb_offset == bo->offset - b->offset && b->fb_width == bo->width &&
	    b->fb_height == bo->height && b->fb_stride == bo->stride && b->fb_format == bo->format) {
		*fb_id = b->fb_id;
		return 0;
	}
	if (b->fb_id)
		drm_kms_fb_gone(dev, b->fb_id);
	b->fb_id = 0;
	handles[0] = b->handle;
	offsets[0] = bo->offset - b->offset;
	if (drmModeAddFB2(d->fd, bo->width, bo->height, bo->format, handles, pitches, offsets,
			  &b->fb_id, 0) < 0)
		return drm_ioctl_err(dev, -errno, "ADDFB2");
	b->fb_offset = offsets[0];
	b->fb_width = bo->width;
	b->fb_height = bo->height;
	b->fb_stride = bo->stride;
	b->fb_format = bo->format;
	*fb_id = b->fb_id;
	return 0;
}

/* The connector on the CRTC with the mode, and the CRTC on. */
static void add_crtc(struct gfx_drm *d, drmModeAtomicReqPtr req)
{
	drmModeAtomicAddProperty(req, d->conn_id, d->prop_conn_crtc_id, d->crtc_id);
	drmModeAtomicAddProperty(req, d->crtc_id, d->prop_mode_id, d->mode_blob);
	drmModeAtomicAddProperty(req, d->crtc_id, d->prop_active, 1);
}

/* The plane showing fb_id over the whole CRTC (all of it the first time). */
static void add_plane(struct gfx_device *dev, drmModeAtomicReqPtr req, uint32_t fb_id)
{
	struct gfx_drm *d = dev->drm;

	drmModeAtomicAddProperty(req, d->plane_id, d->prop_fb_id, fb_id);
	if (d->plane_on)
		return;
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_crtc_id, d->crtc_id);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_src_x, 0);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_src_y, 0);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_src_w, (uint64_t)dev->mode_width << 16);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_src_h, (uint64_t)dev->mode_height << 16);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_crtc_x, 0);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_crtc_y, 0);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_crtc_w, dev->mode_width);
	drmModeAtomicAddProperty(req, d->plane_id, d->prop_crtc_h, dev->mode_height);
}

static int commit_flip(struct gfx_device *dev, uint32_t fb_id, uint64_t user_data)
{
	struct gfx_drm *d = dev->drm;
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
	int r;

	if (!req)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	if (!d->crtc_on) {
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
		add_crtc(d, req);
	}
	add_plane(dev, req, fb_id);
	r = drmModeAtomicCommit(d->fd, req, flags, (void *)(uintptr_t)user_data) < 0 ? -errno : 0;
	drmModeAtomicFree(req);
	if (r == 0) {
		d->crtc_on = d->plane_on = d->flip_pending = true;
		d->shown_fb = fb_id;
		d->flip_job = d->last_job;
	}
	return r;
}

/*
 * Removing the framebuffer on screen turns the plane off, and with it the
 * CRTC (it cannot show nothing): the next flip sets the whole state again.
 */
void drm_kms_fb_gone(struct gfx_device *dev, uint32_t fb_id)
{
	struct gfx_drm *d = dev->drm;

	drmModeRmFB(d->fd, fb_id);
	if (fb_id == d->shown_fb) {
		d->shown_fb = 0;
		d->crtc_on = d->plane_on = d->flip_pending = false;
	}
}

/* Turn the CRTC on with the mode (blocking), for vblanks before the first flip. */
static int crtc_on(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;
	drmModeAtomicReqPtr req;
	int r;

	if (!d->kms)
		return gfx_set_error(dev, -EOPNOTSUPP, "no display on this node (a render node?)");
	if (d->crtc_on)
		return 0;
	req = drmModeAtomicAlloc();
	if (!req)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	add_crtc(d, req);
	r = drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) < 0 ? -errno : 0;
	drmModeAtomicFree(req);
	if (r < 0)
		return drm_ioctl_err(dev, r, "turning the display on");
	d->crtc_on = true;
	return 0;
}

static int pump(struct gfx_device *dev, int64_t deadline_ns);

int drm_flip(struct gfx_device *dev, const struct gfx_bo *bo, uint64_t user_data)
{
	struct gfx_drm *d = dev->drm;
	uint32_t fb_id = 0;
	int r;

	if (!d->kms)
		return gfx_set_error(dev, -EOPNOTSUPP, "no display on this node (a render node?)");
	r = fb_for(dev, bo, &fb_id) ?: drm_submit(dev);
	if (r < 0)
		return r;
	r = commit_flip(dev, fb_id, user_data);
	if (r == -EINVAL && d->plane_on) {
		/* Someone else (another master, a removed framebuffer) changed the state. */
		d->crtc_on = d->plane_on = false;
		r = commit_flip(dev, fb_id, user_data);
	}
	if (r == -EBUSY) {	/* our previous flip has not latched yet */
		int64_t deadline = gfx_now_ns() + DRM_FLIP_WAIT_NS;

		while (d->flip_pending && (r = pump(dev, deadline)) == 0)
			;
		if (r == 0)
			r = commit_flip(dev, fb_id, user_data);
	}
	return r < 0 ? drm_ioctl_err(dev, r, "atomic flip") : 0;
}

int drm_emit_wait_vblank(struct gfx_device *dev)
{
	return gfx_set_error(dev, -EOPNOTSUPP, "the kernel owns the ring and the display on drm: "
			     "no WAIT_VBLANK command (use gfx_wait_vblank)");
}

int drm_set_input_events(struct gfx_device *dev, bool on)
{
	return on ? gfx_set_error(dev, -EOPNOTSUPP, "the DRM driver has no input FIFO: use evdev")
		  : 0;
}

/* ---- events ---- */

static void queue_event(struct gfx_device *dev, enum gfx_event_type type, uint64_t seq,
			uint64_t time_ns, uint64_t user_data)
{
	struct gfx_drm *d = dev->drm;
	uint64_t one = 1;

	if (d->queue_n == DRM_MAX_QUEUED_EVENTS)
		return;	/* a reader that never dispatches loses the newest */
	d->queue[d->queue_n++] = (struct drm_event_rec){ type, seq, time_ns, user_data };
	if (!dev->notify_pending) {	/* an event loop polling gfx_get_fd() wakes for it */
		(void)!write(dev->notify_fd, &one, sizeof(one));
		dev->notify_pending = true;
	}
}

static int arm_vblank_event(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;
	uint64_t queued;

	if (drmCrtcQueueSequence(d->fd, d->crtc_id, DRM_CRTC_SEQUENCE_RELATIVE, 1, &queued,
				 DRM_VBLANK_COOKIE_EVENTS) < 0)
		return drm_ioctl_err(dev, -errno, "queueing a vblank event");
	d->vblank_armed = true;
	return 0;
}

static void note_vblank(struct gfx_drm *d, uint64_t seq, uint64_t ns)
{
	if (seq >= d->last_vbl_seq) {
		d->last_vbl_seq = seq;
		d->last_vbl_ns = ns;
	}
}

static void on_flip(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
		    unsigned int crtc_id, void *user_data)
{
	struct gfx_drm *d = reading->drm;

	/* The event's sequence is 32 bits of the CRTC's 64-bit vblank count. */
	d->last_flip_seq += (uint32_t)(seq - (uint32_t)d->last_flip_seq);
	d->flip_pending = false;
	/*
	 * The FLIP followed our job in the kernel's ring and latched after the
	 * device finished it: that job is done, without asking (a WAIT each).
	 */
	if (d->flip_job && gfx_seqno_passed(d->flip_job, d->done))
		d->done = d->flip_job;
	note_vblank(d, d->last_flip_seq, sec * 1000000000ull + usec * 1000ull);
	queue_event(reading, GFX_EVENT_FLIP_DONE, d->last_flip_seq,
		    sec * 1000000000ull + usec * 1000ull, (uintptr_t)user_data);
}

static void on_sequence(int fd, uint64_t seq, uint64_t ns, uint64_t cookie)
{
	struct gfx_device *dev = reading;
	struct gfx_drm *d = dev->drm;

	note_vblank(d, seq, ns);
	if (cookie == DRM_VBLANK_COOKIE_WAIT) {
		d->wait_vblank_seen = true;
		d->wait_vblank_seq = seq;
		d->wait_vblank_ns = ns;
		return;
	}
	d->vblank_armed = false;
	if (!dev->vblank_events)
		return;
	queue_event(dev, GFX_EVENT_VBLANK, seq, ns, 0);
	arm_vblank_event(dev);
}

/* Handle what the fd holds now, without blocking. */
static int read_events(struct gfx_device *dev)
{
	drmEventContext ctx = { .version = DRM_EVENT_CONTEXT_VERSION,
				.page_flip_handler2 = on_flip, .sequence_handler = on_sequence };
	uint64_t v;
	int r;

	reading = dev;
	while ((r = drmHandleEvent(dev->drm->fd, &ctx)) == 0)
		;
	reading = NULL;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	/* Gone, or a read error: only an ioctl tells a vanished device apart. */
	r = drm_param(dev->drm->fd, DRM_GFX_PARAM_SEQNO_DONE, 0, &v);
	return r == -ENODEV ? gfx_lost(dev) : 0;
}

/* Wait for the fd (or the deadline), then handle its events. */
static int pump(struct gfx_device *dev, int64_t deadline_ns)
{
	struct pollfd pfd = { .fd = dev->drm->fd, .events = POLLIN };
	int64_t left = deadline_ns - gfx_now_ns();
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(&pfd, 1, (int)((left + 999999) / 1000000));
	if (r < 0 && errno != EINTR)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	return read_events(dev);
}

int drm_set_vblank_events(struct gfx_device *dev, bool on)
{
	int r = on ? crtc_on(dev) : 0;

	if (r < 0)
		return r;
	dev->vblank_events = on;
	return on && !dev->drm->vblank_armed ? arm_vblank_event(dev) : 0;
}

int drm_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns)
{
	struct gfx_drm *d = dev->drm;

	uint64_t period = d->refresh_mhz ? 1000000000000ull / d->refresh_mhz : 0;

	if (dev->lost)
		return gfx_lost(dev);
	/*
	 * An event told of a vblank less than half a period ago: no vblank
	 * came since, so that is the last one (a compositor asks just after a
	 * flip event; this saves it an ioctl per frame).
	 */
	if (d->last_vbl_ns && (uint64_t)gfx_now_ns() - d->last_vbl_ns < period / 2) {
		*seq = d->last_vbl_seq;
		*time_ns = d->last_vbl_ns;
		return 0;
	}
	if (!d->kms || !d->crtc_on || drmCrtcGetSequence(d->fd, d->crtc_id, seq, time_ns) < 0)
		*seq = *time_ns = 0;	/* no display, or it is off: no vblank yet */
	else
		note_vblank(d, *seq, *time_ns);
	return 0;
}

int drm_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns, int64_t timeout_ns)
{
	struct gfx_drm *d = dev->drm;
	int64_t deadline = timeout_ns < 0 ? INT64_MAX : gfx_now_ns() + timeout_ns;
	uint64_t queued;
	int r = crtc_on(dev);

	if (r < 0)
		return r;
	d->wait_vblank_seen = false;
	if (drmCrtcQueueSequence(d->fd, d->crtc_id, DRM_CRTC_SEQUENCE_RELATIVE, 1, &queued,
				 DRM_VBLANK_COOKIE_WAIT) < 0)
		return drm_ioctl_err(dev, -errno, "queueing a vblank wait");
	while (!d->wait_vblank_seen) {
		r = pump(dev, deadline);
		if (r == -ETIMEDOUT)
			return gfx_set_error(dev, r, "no vblank within %lld ms",
					     (long long)(timeout_ns / 1000000));
		if (r < 0)
			return r;
	}
	if (seq)
		*seq = d->wait_vblank_seq;
	if (time_ns)
		*time_ns = d->wait_vblank_ns;
	return 0;
}

static int deliver(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	struct gfx_drm *d = dev->drm;
	int events = 0;

	for (unsigned int i = 0; i < dev->errors_n; i++, events++) {
		struct gfx_event ev = { .type = GFX_EVENT_ERROR, .error_code = dev->errors[i].code,
					.error_offset = dev->errors[i].offset };

		if (handler)
			handler(dev, &ev, data);
	}
	dev->errors_n = 0;
	for (unsigned int i = 0; i < d->queue_n; i++, events++) {
		struct gfx_event ev = { .type = d->queue[i].type, .seq = d->queue[i].seq,
					.time_ns = d->queue[i].time_ns,
					.user_data = d->queue[i].user_data };

		if (handler)
			handler(dev, &ev, data);
	}
	d->queue_n = 0;
	/* Fence progress learned from waits and flips; no ioctl here. */
	if (d->done != d->reported_done) {
		struct gfx_event ev = { .type = GFX_EVENT_FENCE, .seq = d->done };

		d->reported_done = d->done;
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	return events;
}

int drm_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	uint64_t junk;

	if (!dev->lost)
		read_events(dev);
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
	return deliver(dev, handler, data);
}
