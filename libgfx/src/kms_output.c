/* SPDX-License-Identifier: MIT */
/*
 * kms_output.c - one display on any DRM card (kms_output.h): choosing the
 * connector, CRTC, plane and mode the driver takes (each candidate tried
 * with a TEST_ONLY commit), atomic or legacy, and the framebuffers.
 * Flips are kms_flip.c's; vblanks and events kms_vblank.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <drm_fourcc.h>
#include <xf86drm.h>

#include "kms_hotplug.h"
#include "kms_output.h"

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
	P(damage_clips, plane_id, PLANE, "FB_DAMAGE_CLIPS");
#undef P
	return o->prop.fb_id && o->prop.crtc_id && o->prop.src_w && o->prop.crtc_w &&
	       o->prop.conn_crtc_id && o->prop.mode_id && o->prop.active ? 0 : -ENODEV;
}

uint32_t kms_output_plane(int fd, unsigned int crtc_index, uint64_t want)
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
		if (p && (p->possible_crtcs & (1u << crtc_index)) && type == want)
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

/* The mode first tried: the preferred one; else the one we have, if offered; else the first. */
static int first_mode(drmModeConnectorPtr c, const drmModeModeInfo *cur)
{
	int same = -1;

	for (int m = 0; m < c->count_modes; m++) {
		if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED)
			return m;
		if (same < 0 && cur->clock && c->modes[m].clock == cur->clock &&
		    c->modes[m].hdisplay == cur->hdisplay && c->modes[m].vdisplay == cur->vdisplay &&
		    c->modes[m].htotal == cur->htotal && c->modes[m].vtotal == cur->vtotal)
			same = m;
	}
	/*
	 * None preferred happens in passing: virtio_gpu marks the display
	 * info's size preferred, and during a burst of display events its EDID
	 * may list other sizes for a moment (seen: a jump to 5120x2160).
	 */
	return same >= 0 ? same : 0;
}

/* The k-th mode of c to try: first_mode's, then the rest in the driver's order. */
static const drmModeModeInfo *nth_mode(drmModeConnectorPtr c, int k, const drmModeModeInfo *cur)
{
	int pref = first_mode(c, cur);

	if (k == 0)
		return &c->modes[pref];
	return &c->modes[k <= pref ? k - 1 : k];
}

/* The mode, if the driver takes it with this connector, CRTC and plane. */
static int try_mode(struct kms_output *o, const drmModeModeInfo *mode)
{
	int r;

	o->mode = *mode;
	if (o->legacy)
		return 0;	/* no test without atomic: the first flip's SetCrtc tells */
	if (drmModeCreatePropertyBlob(o->fd, mode, sizeof(*mode), &o->mode_blob) < 0)
		return -errno;
	r = kms_output_test(o);
	if (r == -EACCES)	/* not DRM master (yet): the first flip tells */
		r = 0;
	if (r < 0) {
		drmModeDestroyPropertyBlob(o->fd, o->mode_blob);
		o->mode_blob = 0;
	}
	return r;
}

/*
 * The first connected connector with a CRTC (and, atomic, a primary plane)
 * and a mode the driver takes; *refused: the last TEST_ONLY's error.
 */
static int pick(struct kms_output *o, int *refused)
{
	drmModeResPtr res = drmModeGetResources(o->fd);
	drmModeModeInfo cur = o->mode;	/* zero at the start */
	int r = -ENODEV;

	for (int i = 0; res && i < res->count_connectors && r < 0; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(o->fd, res->connectors[i]);
		int crtc = c && c->connection == DRM_MODE_CONNECTED && c->count_modes > 0 ?
			   crtc_for(o->fd, res, c) : -1;

		if (crtc >= 0) {
			o->conn_id = c->connector_id;
			o->crtc_id = res->crtcs[crtc];
			o->plane_id = o->legacy ? 0 : kms_output_plane(o->fd, (unsigned int)crtc,
									DRM_PLANE_TYPE_PRIMARY);
		}
		if (crtc >= 0 && (o->legacy || (o->plane_id && find_props(o) == 0)))
			for (int k = 0; k < c->count_modes && r < 0; k++)
				if ((r = try_mode(o, nth_mode(c, k, &cur))) < 0)
					*refused = r;
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	return r;
}

#ifndef DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT	/* drm.h of 6.8; Debian 12's libdrm predates it */
#define DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT 6
#endif

/*
 * Atomic if the driver offers it and GFX_KMS_LEGACY=1 does not ask for the
 * legacy path. Since 6.6 virtualized drivers (virtio_gpu, vmwgfx, qxl) hide
 * their cursor plane from atomic clients that do not say they give it a
 * hotspot: we do (SetCursor2, kms_cursor.c). Elsewhere the cap is refused
 * (EOPNOTSUPP, or EINVAL before 6.6), and the plane is listed anyway.
 */
static bool use_atomic(int fd)
{
	const char *env = getenv("GFX_KMS_LEGACY");

	if (env && strcmp(env, "1") == 0)
		return false;
	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0 ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) < 0)
		return false;
	(void)drmSetClientCap(fd, DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT, 1);
	return true;
}

/* Where the driver has no vblank (EOPNOTSUPP; EINVAL only says the CRTC is off): pace. */
static int init_pacing(struct gfx_device *dev, struct kms_output *o)
{
	uint64_t seq, ns;

	if (drmCrtcGetSequence(o->fd, o->crtc_id, &seq, &ns) == 0 || errno != EOPNOTSUPP)
		return 0;
	o->paced = true;
	return gfx_pacer_init(dev, &o->pace, o->period_ns);
}

/* The mode's size and rate for gfx_get_info() and the pacing; 0 x 0 while disconnected. */
static void take_mode(struct gfx_device *dev, struct kms_output *o)
{
	o->refresh_mhz = (uint32_t)((uint64_t)o->mode.clock * 1000000 /
				    ((uint64_t)o->mode.htotal * o->mode.vtotal));
	o->period_ns = o->refresh_mhz ? 1000000000000ull / o->refresh_mhz : 16666667;
	dev->mode_width = o->connected ? o->mode.hdisplay : 0;
	dev->mode_height = o->connected ? o->mode.vdisplay : 0;
}

int kms_output_init(struct gfx_device *dev, struct kms_output *o, int fd)
{
	int refused = 0;

	o->fd = fd;
	o->pace.timer_fd = o->hotplug_fd = -1;
	o->legacy = !use_atomic(fd);
	if (pick(o, &refused) < 0)
		return refused ? gfx_set_error(dev, -ENODEV, "the driver refused every mode of the "
					       "connected connectors (TEST_ONLY: %s)",
					       strerror(-refused)) :
				 gfx_set_error(dev, -ENODEV, "no connected connector with a mode, "
					       "CRTC%s", o->legacy ? "" : " and primary plane");
	o->connected = true;
	take_mode(dev, o);
	return init_pacing(dev, o);
}

int kms_output_watch_hotplug(struct gfx_device *dev, struct kms_output *o)
{
	struct stat st;

	if (fstat(o->fd, &st) < 0)
		return gfx_set_error(dev, -errno, "fstat of the card: %s", strerror(errno));
	o->card = st.st_rdev;
	o->hotplug_fd = kms_hotplug_open();
	return o->hotplug_fd < 0 ? gfx_set_error(dev, o->hotplug_fd, "the uevent socket for "
						 "hotplug: %s", strerror(-o->hotplug_fd)) : 0;
}

/* What a hotplug left that the new configuration does not use: the next modeset turns it off. */
static void leave(struct kms_output *o, uint32_t conn, uint32_t crtc, uint32_t plane)
{
	if (conn != o->conn_id)
		o->off.conn_id = conn;
	if (crtc != o->crtc_id) {
		o->off.crtc_id = crtc;
		o->off.plane_id = plane;
	}
}

void kms_output_reprobe(struct gfx_device *dev, struct kms_output *o)
{
	uint32_t conn = o->conn_id, crtc = o->crtc_id, plane = o->plane_id, blob = o->mode_blob;
	drmModeModeInfo mode = o->mode;
	bool was = o->connected;
	int refused = 0;

	o->mode_blob = 0;
	o->connected = pick(o, &refused) == 0;
	if (was && o->connected && o->conn_id == conn && o->crtc_id == crtc &&
	    memcmp(&o->mode, &mode, sizeof(mode)) == 0) {
		if (o->mode_blob)
			drmModeDestroyPropertyBlob(o->fd, o->mode_blob);
		o->mode_blob = blob;	/* nothing changed for us */
		return;
	}
	if (blob)
		drmModeDestroyPropertyBlob(o->fd, blob);
	if (!o->connected) {	/* keep the old objects: the display stays as it was */
		o->conn_id = conn, o->crtc_id = crtc, o->plane_id = plane, o->mode = mode;
	} else {
		leave(o, conn, crtc, plane);	/* turning off what is off does no harm */
	}
	o->crtc_on = o->plane_on = false;	/* the next flip sets all of it */
	take_mode(dev, o);
	if (o->paced)
		gfx_pacer_set_period(&o->pace, o->period_ns);
	gfx_evq_push(dev, &o->events, &(struct gfx_event){ .type = GFX_EVENT_DISPLAY });
}

void kms_output_fini(struct kms_output *o)
{
	kms_cursor_fini(o);
	if (o->hotplug_fd >= 0)
		close(o->hotplug_fd);
	o->hotplug_fd = -1;
	if (o->mode_blob)
		drmModeDestroyPropertyBlob(o->fd, o->mode_blob);
	kms_output_scratch_put(o, o->scratch_fb, o->scratch_handle);
	gfx_pacer_fini(&o->pace);
	o->mode_blob = o->scratch_fb = o->scratch_handle = 0;
}

/* A black framebuffer of the mode's size, for tests and a legacy CRTC before our first flip. */
int kms_output_scratch_get(struct kms_output *o, uint32_t *fb_id, uint32_t *handle)
{
	struct drm_mode_create_dumb c = { .width = o->mode.hdisplay, .height = o->mode.vdisplay,
					  .bpp = 32 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };

	if (drmIoctl(o->fd, DRM_IOCTL_MODE_CREATE_DUMB, &c) < 0)
		return -errno;
	handles[0] = c.handle;
	pitches[0] = c.pitch;
	if (drmModeAddFB2(o->fd, c.width, c.height, DRM_FORMAT_XRGB8888, handles, pitches,
			  offsets, fb_id, 0) < 0) {
		int r = -errno;

		kms_output_scratch_put(o, 0, c.handle);
		return r;
	}
	*handle = c.handle;	/* new dumb buffers read zero: black */
	return 0;
}

void kms_output_scratch_put(struct kms_output *o, uint32_t fb_id, uint32_t handle)
{
	struct drm_mode_destroy_dumb d = { .handle = handle };

	if (fb_id)
		drmModeRmFB(o->fd, fb_id);
	if (handle)
		drmIoctl(o->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
}

int kms_output_timer_fd(const struct kms_output *o)
{
	return o->paced ? o->pace.timer_fd : -1;
}

int kms_output_hotplug_fd(const struct kms_output *o)
{
	return o->hotplug_fd;
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
		o->crtc_on = o->plane_on = o->flip_pending = o->pace.held = false;
	}
}

