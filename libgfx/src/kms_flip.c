/* SPDX-License-Identifier: MIT */
/*
 * kms_flip.c - flips of a KMS output (kms_output.h): a nonblocking atomic
 * commit with a page-flip event and the frame's damage (FB_DAMAGE_CLIPS);
 * DIRTYFB of the buffer on screen where the plane takes no damage and the
 * driver copies buffers; SetCrtc and PageFlip where the driver has no atomic.
 */
#include <errno.h>
#include <string.h>
#include <xf86drm.h>

#include "kms_output.h"

#define KMS_FLIP_WAIT_NS	1000000000LL	/* one flip pending: wait this long for it */

/* What a hotplug left (kms_output_reprobe) off: its plane, its CRTC, the connector. */
static void add_off(struct kms_output *o, drmModeAtomicReqPtr req)
{
	if (o->off.crtc_id) {
		drmModeAtomicAddProperty(req, o->off.plane_id, o->prop.fb_id, 0);
		drmModeAtomicAddProperty(req, o->off.plane_id, o->prop.crtc_id, 0);
		drmModeAtomicAddProperty(req, o->off.crtc_id, o->prop.mode_id, 0);
		drmModeAtomicAddProperty(req, o->off.crtc_id, o->prop.active, 0);
	}
	if (o->off.conn_id)
		drmModeAtomicAddProperty(req, o->off.conn_id, o->prop.conn_crtc_id, 0);
}

/* The connector on the CRTC with the mode, and the CRTC on (and what a hotplug left, off). */
static void add_crtc(struct kms_output *o, drmModeAtomicReqPtr req)
{
	add_off(o, req);
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

int kms_output_test(struct kms_output *o)
{
	uint32_t fb = 0, handle = 0;
	drmModeAtomicReqPtr req;
	bool plane_on = o->plane_on;
	int r = kms_output_scratch_get(o, &fb, &handle);

	if (r < 0)
		return r;
	req = drmModeAtomicAlloc();
	if (!req) {
		kms_output_scratch_put(o, fb, handle);
		return -ENOMEM;
	}
	o->plane_on = false;	/* all of the plane's properties */
	add_crtc(o, req);
	add_plane(o, req, fb);
	o->plane_on = plane_on;
	r = drmModeAtomicCommit(o->fd, req, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET,
				NULL) < 0 ? -errno : 0;
	drmModeAtomicFree(req);
	kms_output_scratch_put(o, fb, handle);
	return r;
}

/* ---- damage ---- */

/* A flip's damage as KMS rectangles (x1, y1, x2, y2); too many: their bounding box. */
static unsigned int damage_rects(const struct gfx_rect *damage, unsigned int n,
				 struct drm_mode_rect *out)
{
	unsigned int k = n > KMS_MAX_DAMAGE_RECTS ? 1 : n;

	for (unsigned int i = 0; i < n; i++) {
		struct drm_mode_rect r = { damage[i].x, damage[i].y,
					   damage[i].x + (int32_t)damage[i].w,
					   damage[i].y + (int32_t)damage[i].h };

		if (k == n) {
			out[i] = r;
		} else if (i == 0) {
			out[0] = r;
		} else {
			out[0].x1 = r.x1 < out[0].x1 ? r.x1 : out[0].x1;
			out[0].y1 = r.y1 < out[0].y1 ? r.y1 : out[0].y1;
			out[0].x2 = r.x2 > out[0].x2 ? r.x2 : out[0].x2;
			out[0].y2 = r.y2 > out[0].y2 ? r.y2 : out[0].y2;
		}
	}
	return k;
}

/* The damage on the plane (a blob the caller destroys after the commit), if it takes it. */
static uint32_t add_damage(struct kms_output *o, drmModeAtomicReqPtr req,
			   const struct gfx_rect *damage, unsigned int n)
{
	struct drm_mode_rect rects[KMS_MAX_DAMAGE_RECTS];
	uint32_t blob = 0;

	if (!o->prop.damage_clips || !n)
		return 0;
	n = damage_rects(damage, n, rects);
	if (drmModeCreatePropertyBlob(o->fd, rects, n * sizeof(rects[0]), &blob) < 0)
		return 0;	/* then all of it is damage: still right */
	drmModeAtomicAddProperty(req, o->plane_id, o->prop.damage_clips, blob);
	return blob;
}

/*
 * A paced output's flip to the framebuffer it shows, where the flip cannot
 * carry FB_DAMAGE_CLIPS (the plane lacks it, or legacy KMS): DIRTYFB with
 * the damage instead of a flip (which would make the driver copy all of it),
 * shown at the next virtual vblank. -EOPNOTSUPP where this does not apply or
 * the driver has no DIRTYFB.
 */
static int dirty_flip(struct gfx_device *dev, struct kms_output *o, uint32_t fb_id,
		      const struct gfx_rect *damage, unsigned int n, uint64_t user_data)
{
	struct drm_mode_rect rects[KMS_MAX_DAMAGE_RECTS];
	drmModeClip clips[KMS_MAX_DAMAGE_RECTS];
	bool clips_in_flip = o->prop.damage_clips && !o->legacy;

	if (!o->paced || clips_in_flip || !n || fb_id != o->shown_fb || !o->plane_on)
		return -EOPNOTSUPP;
	n = damage_rects(damage, n, rects);
	for (unsigned int i = 0; i < n; i++)
		clips[i] = (drmModeClip){ (uint16_t)rects[i].x1, (uint16_t)rects[i].y1,
					  (uint16_t)rects[i].x2, (uint16_t)rects[i].y2 };
	if (drmModeDirtyFB(o->fd, fb_id, clips, n) < 0)
		return errno == ENOSYS ? -EOPNOTSUPP : -errno;
	kms_output_shown(dev, o, user_data);
	return 0;
}

/* ---- the flip ---- */

static int atomic_flip(struct kms_output *o, uint32_t fb_id, const struct gfx_rect *damage,
		       unsigned int n, uint64_t user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, blob;
	int r;

	if (!req)
		return -ENOMEM;
	if (!o->crtc_on) {
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
		add_crtc(o, req);
	}
	add_plane(o, req, fb_id);
	blob = add_damage(o, req, damage, n);
	r = drmModeAtomicCommit(o->fd, req, flags, (void *)(uintptr_t)user_data) < 0 ? -errno : 0;
	drmModeAtomicFree(req);
	if (blob)
		drmModeDestroyPropertyBlob(o->fd, blob);
	return r;
}

/* No atomic: the first flip sets the mode (blocking, no event), the others page-flip. */
static int legacy_flip(struct gfx_device *dev, struct kms_output *o, uint32_t fb_id,
		       uint64_t user_data)
{
	if (o->plane_on)
		return drmModePageFlip(o->fd, o->crtc_id, fb_id, DRM_MODE_PAGE_FLIP_EVENT,
				       (void *)(uintptr_t)user_data) < 0 ? -errno : 0;
	if (o->off.crtc_id)	/* a hotplug moved us: the CRTC we left goes off */
		drmModeSetCrtc(o->fd, o->off.crtc_id, 0, 0, 0, NULL, 0, NULL);
	if (drmModeSetCrtc(o->fd, o->crtc_id, fb_id, 0, 0, &o->conn_id, 1, &o->mode) < 0)
		return -errno;
	kms_output_shown(dev, o, user_data);
	return 1;	/* shown: no event will come */
}

static int commit_flip(struct gfx_device *dev, struct kms_output *o, uint32_t fb_id,
		       const struct gfx_rect *damage, unsigned int n, uint64_t user_data)
{
	int r = o->legacy ? legacy_flip(dev, o, fb_id, user_data) :
			    atomic_flip(o, fb_id, damage, n, user_data);

	if (r < 0)
		return r;
	if (!o->crtc_on) {	/* a modeset: the cursor waited for it */
		o->crtc_on = true;
		kms_cursor_restore(o);
	}
	o->plane_on = true;
	memset(&o->off, 0, sizeof(o->off));
	o->shown_fb = fb_id;
	if (r == 0) {	/* its event comes */
		o->flip_pending = true;
		o->commit_seq = o->paced ? gfx_pacer_seq(&o->pace, gfx_now_ns()) : 0;
	}
	return 0;
}

/* Our previous flip has latched (or been shown): one is pending at a time. */
static int wait_flip(struct gfx_device *dev, struct kms_output *o)
{
	int64_t deadline = gfx_now_ns() + KMS_FLIP_WAIT_NS;
	int r = 0;

	while (o->flip_pending && (r = kms_output_pump(dev, o, deadline)) == 0)
		;
	return r;
}

int kms_output_flip(struct gfx_device *dev, struct kms_output *o, uint32_t fb_id,
		    const struct gfx_rect *damage, unsigned int n, uint64_t user_data)
{
	int r = wait_flip(dev, o);

	if (r == 0)
		r = dirty_flip(dev, o, fb_id, damage, n, user_data);
	if (r == -EOPNOTSUPP)
		r = commit_flip(dev, o, fb_id, damage, n, user_data);
	if (r == -EINVAL && o->plane_on) {
		/* Someone else (another master, a removed framebuffer) changed the state. */
		o->crtc_on = o->plane_on = false;
		r = commit_flip(dev, o, fb_id, damage, n, user_data);
	}
	if (r == -EBUSY)	/* the kernel's commit before ours is still running */
		r = wait_flip(dev, o) ?: commit_flip(dev, o, fb_id, damage, n, user_data);
	if (r == -ENODEV)
		return gfx_lost(dev);
	return r < 0 ? gfx_set_error(dev, r, "%s flip: %s", o->legacy ? "legacy" : "atomic",
				     strerror(-r)) : 0;
}

/* ---- the CRTC on before the first flip, for vblanks ---- */

static int legacy_crtc_on(struct kms_output *o)
{
	if (!o->scratch_fb) {
		int r = kms_output_scratch_get(o, &o->scratch_fb, &o->scratch_handle);

		if (r < 0)
			return r;
	}
	return drmModeSetCrtc(o->fd, o->crtc_id, o->scratch_fb, 0, 0, &o->conn_id, 1,
			      &o->mode) < 0 ? -errno : 0;
}

int kms_output_crtc_on(struct gfx_device *dev, struct kms_output *o)
{
	drmModeAtomicReqPtr req;
	int r;

	if (o->crtc_on)
		return 0;
	if (o->legacy) {
		r = legacy_crtc_on(o);
	} else if (!(req = drmModeAtomicAlloc())) {
		r = -ENOMEM;
	} else {
		add_crtc(o, req);
		r = drmModeAtomicCommit(o->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) < 0 ?
		    -errno : 0;
		drmModeAtomicFree(req);
	}
	if (r < 0)
		return r == -ENODEV ? gfx_lost(dev) :
		       gfx_set_error(dev, r, "turning the display on: %s", strerror(-r));
	o->crtc_on = true;
	if (!o->legacy)
		memset(&o->off, 0, sizeof(o->off));
	kms_cursor_restore(o);
	return 0;
}
