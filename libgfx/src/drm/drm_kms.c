/* SPDX-License-Identifier: MIT */
/*
 * drm_kms.c - the display on the DRM driver: our buffers' framebuffers and
 * the event loop, over the generic atomic output (kms_output.c).
 *
 * gfx_flip() submits the job built so far, then commits the flip. The
 * kernel queues the FLIP behind every job already in its ring, so the
 * buffer is complete when it goes on screen, and its event proves that job
 * done (the output's `latched` hook) without a WAIT.
 */
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "drm_priv.h"

static void drm_latched(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;

	if (d->flip_job && gfx_seqno_passed(d->flip_job, d->done))
		d->done = d->flip_job;
}

int drm_kms_init(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;
	uint32_t w = dev->mode_width, h = dev->mode_height;
	int r = kms_output_init(dev, &d->out, d->fd);

	if (r < 0)
		return r;
	/* gfx_drm offers exactly the device's mode: the parameters said the same. */
	if (dev->mode_width != w || dev->mode_height != h)
		return gfx_set_error(dev, -ENODEV, "the connector's mode is %ux%u, the device's %ux%u",
				     dev->mode_width, dev->mode_height, w, h);
	d->out.latched = drm_latched;
	d->kms = true;
	return 0;
}

/* The framebuffer of bo, made on first use (or when its layout changed). */
static int fb_for(struct gfx_device *dev, const struct gfx_bo *bo, uint32_t *fb_id)
{
	struct gfx_drm *d = dev->drm;
	struct drm_bo *b = drm_bo_containing(d, bo->offset, bo->offset + (uint64_t)bo->stride *
					     bo->height);
	int r;

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
	r = kms_output_add_fb(dev, &d->out, b->handle, bo->offset - b->offset, bo, &b->fb_id);
	if (r < 0)
		return r == -ENODEV ? gfx_lost(dev) : r;
	b->fb_offset = bo->offset - b->offset;
	b->fb_width = bo->width;
	b->fb_height = bo->height;
	b->fb_stride = bo->stride;
	b->fb_format = bo->format;
	*fb_id = b->fb_id;
	return 0;
}

void drm_kms_fb_gone(struct gfx_device *dev, uint32_t fb_id)
{
	kms_output_rm_fb(&dev->drm->out, fb_id);
}

static int no_display(struct gfx_device *dev)
{
	return gfx_set_error(dev, -EOPNOTSUPP, "no display on this node (a render node?)");
}

int drm_flip(struct gfx_device *dev, const struct gfx_bo *bo, const struct gfx_rect *damage,
	     unsigned int n, uint64_t user_data)
{
	struct gfx_drm *d = dev->drm;
	uint32_t fb_id = 0;
	int r;

	if (!d->kms)
		return no_display(dev);
	r = fb_for(dev, bo, &fb_id) ?: drm_submit(dev);
	if (r < 0)
		return r;
	r = kms_output_flip(dev, &d->out, fb_id, damage, n, user_data);
	if (r == 0)
		d->flip_job = d->last_job;
	return r;
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

int drm_set_vblank_events(struct gfx_device *dev, bool on)
{
	if (!dev->drm->kms)
		return on ? no_display(dev) : 0;
	return kms_output_set_vblank_events(dev, &dev->drm->out, on);
}

int drm_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns)
{
	if (!dev->drm->kms) {
		*seq = *time_ns = 0;
		return dev->lost ? gfx_lost(dev) : 0;
	}
	return kms_output_last_vblank(dev, &dev->drm->out, seq, time_ns);
}

int drm_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns, int64_t timeout_ns)
{
	if (!dev->drm->kms)
		return no_display(dev);
	return kms_output_wait_vblank(dev, &dev->drm->out, seq, time_ns, timeout_ns);
}

/* A render node has no events: a read that fails otherwise than EAGAIN may mean it went. */
static void render_node_check(struct gfx_device *dev)
{
	drmEventContext ctx = { .version = DRM_EVENT_CONTEXT_VERSION };
	uint64_t v;

	if (drmHandleEvent(dev->drm->fd, &ctx) < 0 && errno != EAGAIN && errno != EINTR &&
	    drmGetCap(dev->drm->fd, DRM_CAP_DUMB_BUFFER, &v) < 0 && errno == ENODEV)
		gfx_lost(dev);
}

/* Fence progress comes from waits, flips and the fence page: no ioctl here. */
int drm_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	struct gfx_drm *d = dev->drm;

	if (!dev->lost)
		drm_fence_unwatch_done(dev);
	if (!d->kms && !dev->lost)
		render_node_check(dev);
	return kms_output_dispatch(dev, d->kms ? &d->out : NULL, d->done, &d->reported_done,
				   handler, data);
}
