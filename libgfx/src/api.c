/* SPDX-License-Identifier: MIT */
/*
 * api.c - the public functions whose work depends on how the GPU is driven:
 * each calls the device's struct gfx_driver (internal.h), the user-mode
 * driver's or the DRM driver's.
 *
 * Once the device is lost (unbound, unplugged: the driver saw it on its fd),
 * no function touches its mappings again: on uio they are revoked, and the
 * next access would be a SIGBUS. Each entry point checks first.
 */
#include "internal.h"

/* The display and the input FIFO are the master context's alone. */
static int require_master(struct gfx_device *dev, const char *what)
{
	if (GFX_LIKELY(dev->context == GFX_MASTER_CONTEXT))
		return 0;
	return gfx_set_error(dev, -EPERM, "%s: only the master context may (this is client context %u; "
			     "its compositor shows its buffers)", what, dev->context);
}

GFX_EXPORT int gfx_get_info(struct gfx_device *dev, struct gfx_info *info)
{
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	r = dev->drv->get_info(dev, info);
	info->cursor_width = dev->cursor_w;
	info->cursor_height = dev->cursor_h;
	return r;
}

GFX_EXPORT int gfx_submit(struct gfx_device *dev)
{
	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	return dev->drv->submit(dev);
}

GFX_EXPORT int gfx_fence(struct gfx_device *dev, bool irq, uint64_t *seqno)
{
	uint64_t seq;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	r = dev->drv->fence(dev, irq, &seq);
	if (r == 0 && seqno)
		*seqno = seq;
	return r;
}

GFX_EXPORT bool gfx_fence_done(struct gfx_device *dev, uint64_t seqno)
{
	if (GFX_UNLIKELY(dev->lost))
		return true;	/* nothing will ever run: waiting on it is pointless */
	return dev->drv->fence_done(dev, seqno);
}

GFX_EXPORT int gfx_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns)
{
	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	return dev->drv->fence_wait(dev, seqno, timeout_ns);
}

GFX_EXPORT int gfx_finish(struct gfx_device *dev, int64_t timeout_ns)
{
	uint64_t seq;
	int r = gfx_fence(dev, true, &seq);

	if (r < 0)
		return r;
	return gfx_fence_wait(dev, seq, timeout_ns);
}

GFX_EXPORT int gfx_fence_export(struct gfx_device *dev, uint64_t seqno, int *fd)
{
	*fd = -1;
	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (!dev->drv->fence_export)
		return gfx_set_error(dev, -EOPNOTSUPP, "no kernel fences on %s: a sync_file needs gfx_drm "
				     "(\"drm\" or \"drm-userq\")", dev->backend);
	return dev->drv->fence_export(dev, seqno, fd);
}

GFX_EXPORT int gfx_reset(struct gfx_device *dev)
{
	if (dev->lost)
		return gfx_lost(dev);
	return dev->drv->reset(dev);
}

/* Damage inside bo, each rectangle non-empty. */
static int check_damage(struct gfx_device *dev, const struct gfx_bo *bo,
			const struct gfx_rect *damage, unsigned int n)
{
	if (n && !damage)
		return gfx_set_error(dev, -EINVAL, "%u damage rectangles at NULL", n);
	for (unsigned int i = 0; i < n; i++) {
		const struct gfx_rect *d = &damage[i];

		if (d->x < 0 || d->y < 0 || !d->w || !d->h || d->w > bo->width ||
		    d->h > bo->height || (uint32_t)d->x > bo->width - d->w ||
		    (uint32_t)d->y > bo->height - d->h)
			return gfx_set_error(dev, -EINVAL, "damage rectangle %u (%d,%d %ux%u) is "
					     "empty or outside the %ux%u buffer", i, d->x, d->y,
					     d->w, d->h, bo->width, bo->height);
	}
	return 0;
}

GFX_EXPORT int gfx_flip(struct gfx_device *dev, const struct gfx_bo *bo, uint64_t user_data)
{
	return gfx_flip_damage(dev, bo, NULL, 0, user_data);
}

GFX_EXPORT int gfx_flip_damage(struct gfx_device *dev, const struct gfx_bo *bo,
			       const struct gfx_rect *damage, unsigned int n, uint64_t user_data)
{
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if ((r = require_master(dev, "flip")) < 0)
		return r;
	if (!bo)
		return gfx_set_error(dev, -EINVAL, "flip without a buffer");
	if (!dev->mode_width)
		return gfx_set_error(dev, -ENXIO, "no display is connected (GFX_EVENT_DISPLAY "
				     "tells when one is)");
	if (bo->width != dev->mode_width || bo->height != dev->mode_height)
		return gfx_set_error(dev, -EINVAL, "flip buffer is %ux%u, the mode is %ux%u",
				     bo->width, bo->height, dev->mode_width, dev->mode_height);
	r = gfx_check_bo(dev, bo) ?: check_damage(dev, bo, damage, n);
	if (r < 0)
		return r;
	return dev->drv->flip(dev, bo, damage, n, user_data);
}

/* The master of a display with a hardware cursor (gfx.h), else why not. */
static int require_cursor(struct gfx_device *dev, const char *what)
{
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if ((r = require_master(dev, what)) < 0)
		return r;
	if (!dev->drv->cursor_set || !dev->cursor_w)
		return gfx_set_error(dev, -EOPNOTSUPP, "this display has no hardware cursor: draw "
				     "the cursor into the frame");
	return 0;
}

GFX_EXPORT int gfx_cursor_set(struct gfx_device *dev, const struct gfx_bo *bo, int32_t hot_x,
			      int32_t hot_y)
{
	int r = require_cursor(dev, "set the cursor");

	if (r < 0)
		return r;
	if (bo && (bo->format != GFX_FMT_ARGB8888 || bo->width != dev->cursor_w ||
		   bo->height != dev->cursor_h))
		return gfx_set_error(dev, -EINVAL, "a cursor is an ARGB8888 buffer of %ux%u, not "
				     "0x%08x at %ux%u", dev->cursor_w, dev->cursor_h, bo->format,
				     bo->width, bo->height);
	if (bo && (hot_x < 0 || hot_y < 0 || (uint32_t)hot_x >= bo->width ||
		   (uint32_t)hot_y >= bo->height))
		return gfx_set_error(dev, -EINVAL, "the hotspot (%d, %d) is outside the %ux%u cursor",
				     hot_x, hot_y, bo->width, bo->height);
	if (bo && (r = gfx_check_bo(dev, bo)) < 0)
		return r;
	return dev->drv->cursor_set(dev, bo, hot_x, hot_y);
}

GFX_EXPORT int gfx_cursor_move(struct gfx_device *dev, int32_t x, int32_t y)
{
	return require_cursor(dev, "move the cursor") ?: dev->drv->cursor_move(dev, x, y);
}

GFX_EXPORT int gfx_emit_wait_vblank(struct gfx_device *dev)
{
	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	return require_master(dev, "wait for vblank") ?: dev->drv->emit_wait_vblank(dev);
}

GFX_EXPORT int gfx_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns,
			       int64_t timeout_ns)
{
	if (dev->lost)
		return gfx_lost(dev);
	return require_master(dev, "wait for vblank") ?:
	       dev->drv->wait_vblank(dev, seq, time_ns, timeout_ns);
}

GFX_EXPORT int gfx_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns)
{
	uint64_t s = 0, t = 0;
	int r = dev->lost ? gfx_lost(dev) : require_master(dev, "vblank");

	if (r == 0)
		r = dev->drv->last_vblank(dev, &s, &t);

	if (seq)
		*seq = s;
	if (time_ns)
		*time_ns = t;
	return r;
}

GFX_EXPORT int gfx_get_fd(struct gfx_device *dev)
{
	return dev->event_fd;
}

GFX_EXPORT int gfx_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	return dev->drv->dispatch(dev, handler, data);
}

GFX_EXPORT int gfx_set_vblank_events(struct gfx_device *dev, bool on)
{
	if (dev->lost)
		return gfx_lost(dev);
	return require_master(dev, "vblank events") ?: dev->drv->set_vblank_events(dev, on);
}

GFX_EXPORT int gfx_set_input_events(struct gfx_device *dev, bool on)
{
	if (dev->lost)
		return gfx_lost(dev);
	return require_master(dev, "input events") ?: dev->drv->set_input_events(dev, on);
}
