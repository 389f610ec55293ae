/* SPDX-License-Identifier: MIT */
/*
 * drm_job.c - jobs on the DRM driver: building one in our memory and handing
 * it over with one SUBMIT ioctl (fences: drm_fence.c).
 *
 * The encoders' fast path is the user-mode driver's (gfx_ring_reserve(),
 * stores at dev->ring[tail]); dev->space is the room left in the job
 * buffer. It is 0 while no job is open, so the first command after a
 * submit takes the slow path, drm_make_space(), which opens the next job
 * by restating the surfaces and the clip: the kernel starts every job
 * without engine state, so no client's state leaks into another's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <xf86drm.h>

#include "drm_priv.h"

#define DRM_RESET_WAIT_NS 5000000000LL

int drm_job_init(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;

	d->job_handles = calloc(DRM_GFX_MAX_BOS, sizeof(*d->job_handles));
	d->reloc_cap = dev->ring_words / GFX_SET_SURFACE_WORDS + 1;
	d->relocs = calloc(d->reloc_cap, sizeof(*d->relocs));
	return d->job_handles && d->relocs ? 0 : -ENOMEM;
}

void drm_job_fini(struct gfx_drm *d)
{
	free(d->job_handles);
	free(d->relocs);
	free(d->closing);
}

bool drm_job_uses(struct gfx_drm *d, uint32_t handle)
{
	for (unsigned int i = 0; d->job_open && i < d->job_bo_n; i++)
		if (d->job_handles[i] == handle)
			return true;
	return false;
}

void drm_job_close_later(struct gfx_device *dev, uint32_t handle)
{
	struct gfx_drm *d = dev->drm;

	if (d->closing_n == d->closing_cap) {
		unsigned int cap = d->closing_cap ? d->closing_cap * 2 : 16;
		uint32_t *n = realloc(d->closing, cap * sizeof(*n));

		if (!n) {	/* cannot wait: submit now, then close */
			drm_submit(dev);
			drm_close_handle(d->fd, handle);
			return;
		}
		d->closing = n;
		d->closing_cap = cap;
	}
	d->closing[d->closing_n++] = handle;
}

/* Index of handle in the job's list, adding it; -ENOSPC when the list is full. */
static int job_bo_index(struct gfx_drm *d, uint32_t handle)
{
	for (unsigned int i = 0; i < d->job_bo_n; i++)
		if (d->job_handles[i] == handle)
			return (int)i;
	if (d->job_bo_n == DRM_GFX_MAX_BOS)
		return -ENOSPC;
	d->job_handles[d->job_bo_n] = handle;
	return (int)d->job_bo_n++;
}

/*
 * SET_SURFACE at the tail with its relocation; the caller made room. The
 * offset word is the surface's offset inside its buffer.
 */
static int put_surface(struct gfx_device *dev, uint32_t slot, const struct gfx_surface_state *s)
{
	struct gfx_drm *d = dev->drm;
	uint64_t end = s->offset + (uint64_t)(s->height - 1) * s->stride +
		       (uint64_t)s->width * gfx_format_bpp(s->format);
	struct drm_bo *b = drm_bo_containing(d, s->offset, end);
	int idx;

	if (!b)
		return gfx_set_error(dev, -EINVAL, "surface at 0x%x is not inside a buffer of this "
				     "device", s->offset);
	idx = job_bo_index(d, b->handle);
	if (idx < 0 || d->reloc_n == d->reloc_cap)
		return -ENOSPC;
	d->relocs[d->reloc_n++] = (struct drm_gfx_reloc){ .cmd_word = dev->tail,
							  .bo_index = (uint32_t)idx };
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_SET_SURFACE, slot, GFX_SET_SURFACE_WORDS));
	gfx_ring_put(dev, 1, s->offset - b->offset);
	gfx_ring_put(dev, 2, s->width);
	gfx_ring_put(dev, 3, s->height);
	gfx_ring_put(dev, 4, s->stride);
	gfx_ring_put(dev, 5, s->format);
	dev->tail += GFX_SET_SURFACE_WORDS;
	return 0;
}

/* Start a job: the surfaces still alive and the clip, as libgfx last set them. */
static void open_job(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;

	dev->tail = 0;
	d->job_bo_n = d->reloc_n = 0;
	d->job_open = true;
	if (dev->dst.set && put_surface(dev, GFX_SURFACE_DST, &dev->dst) < 0)
		dev->dst.set = false;	/* its buffer is gone */
	if (dev->src.set && put_surface(dev, GFX_SURFACE_SRC, &dev->src) < 0)
		dev->src.set = false;
	if (dev->clip_words) {
		gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_SET_CLIP, 0, 1 + dev->clip_words));
		for (uint32_t i = 0; i < dev->clip_words; i++)
			gfx_ring_put(dev, 1 + i, dev->clip[i]);
		dev->tail += 1 + dev->clip_words;
	}
	d->restate_words = dev->tail;
	dev->space = dev->ring_words - dev->tail;
}

/* Room for the restated state plus the longest command. */
static uint64_t restate_max(struct gfx_device *dev)
{
	return 2 * GFX_SET_SURFACE_WORDS + 1 + dev->clip_words;
}

int drm_make_space(struct gfx_device *dev, uint64_t words)
{
	struct gfx_drm *d = dev->drm;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (words + restate_max(dev) > dev->ring_words)
		return gfx_set_error(dev, -EINVAL, "command of %llu words does not fit a job",
				     (unsigned long long)words);
	if (d->job_open) {
		r = drm_submit(dev);	/* the job is full */
		if (r < 0)
			return r;
	}
	open_job(dev);
	return 0;
}

int drm_emit_surface(struct gfx_device *dev, uint32_t slot, const struct gfx_surface_state *s)
{
	int r = gfx_ring_reserve(dev, GFX_SET_SURFACE_WORDS);

	if (r < 0)
		return r;
	r = put_surface(dev, slot, s);
	if (r == -ENOSPC) {	/* the job's buffer list is full: the next job gets it */
		r = drm_submit(dev);
		if (r == 0)
			r = gfx_ring_reserve(dev, GFX_SET_SURFACE_WORDS);
		if (r == 0)
			r = put_surface(dev, slot, s);
	}
	if (r == 0)
		dev->space -= GFX_SET_SURFACE_WORDS;
	return r;
}

static void end_job(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;

	d->job_open = false;
	dev->tail = 0;
	dev->space = 0;	/* the next command opens a job */
	for (unsigned int i = 0; i < d->closing_n; i++)
		drm_close_handle(d->fd, d->closing[i]);
	d->closing_n = 0;
}

/* One SUBMIT ioctl for the job built so far; nothing if it holds only restated state. */
int drm_submit(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;
	struct drm_gfx_submit s = { 0 };
	int r = 0;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (!d->job_open || dev->tail == d->restate_words)
		return 0;
	s.cmds = (uintptr_t)dev->ring;
	s.cmd_words = dev->tail;
	s.bos = (uintptr_t)d->job_handles;
	s.bo_count = d->job_bo_n;
	s.relocs = (uintptr_t)d->relocs;
	s.reloc_count = d->reloc_n;
	s.out_sync = d->out_sync;	/* a fence someone will poll for (drm_fence.c) */
	d->out_sync = 0;
	if (drmIoctl(d->fd, DRM_IOCTL_GFX_SUBMIT, &s) < 0)
		r = drm_ioctl_err(dev, -errno, "SUBMIT (the kernel refused the job; it is dropped)");
	else
		d->last_job = s.seqno;
	end_job(dev);
	return r;
}

/*
 * The kernel resets a hung engine itself (its hangcheck); here only what
 * libgfx holds is dropped, and every job of ours has completed, possibly
 * with an error, when this returns.
 */
int drm_reset(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;
	int r;

	d->job_open = false;
	end_job(dev);
	dev->clip_words = 0;
	if (d->last_job == 0)
		return 0;
	r = drm_wait_ioctl(dev, d->last_job, gfx_now_ns() + DRM_RESET_WAIT_NS);
	if (r == -ETIMEDOUT)
		return gfx_set_error(dev, r, "the kernel did not recover the GPU within %lld ms",
				     DRM_RESET_WAIT_NS / 1000000);
	return r == -EIO ? 0 : r;
}
