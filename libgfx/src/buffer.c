/* SPDX-License-Identifier: MIT */
/* buffer.c - buffer objects: VRAM surfaces with a CPU mapping. */
#include <stdlib.h>

#include "internal.h"

GFX_EXPORT int gfx_bo_create(struct gfx_device *dev, uint32_t width, uint32_t height,
			     uint32_t format, struct gfx_bo **out)
{
	uint32_t bpp = gfx_format_bpp(format), stride, off;
	uint64_t size;
	struct gfx_bo *bo;
	int r;

	*out = NULL;
	if (dev->lost)
		return gfx_lost(dev);
	if (bpp == 0)
		return gfx_set_error(dev, -EINVAL, "unsupported format 0x%08x", format);
	stride = (width * bpp + GFX_PITCH_ALIGN - 1) & ~(GFX_PITCH_ALIGN - 1);
	r = gfx_check_surface(dev, width, height, stride, format);
	if (r < 0)
		return r;
	size = ((uint64_t)stride * height + GFX_BO_ALIGN - 1) & ~(uint64_t)(GFX_BO_ALIGN - 1);
	if (size > dev->vram_size)
		return gfx_set_error(dev, -ENOSPC, "buffer of %llu bytes exceeds VRAM",
				     (unsigned long long)size);
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	r = gfx_alloc(dev, (uint32_t)size, &off);
	if (r < 0) {
		free(bo);
		if (r == -ENOSPC)
			return gfx_set_error(dev, r, "out of VRAM for a %ux%u buffer (%llu bytes)",
					     width, height, (unsigned long long)size);
		return r;
	}
	bo->offset = off;
	bo->width = width;
	bo->height = height;
	bo->stride = stride;
	bo->format = format;
	bo->size = (uint32_t)size;
	bo->map = (void *)(dev->regs + off);
	*out = bo;
	return 0;
}

GFX_EXPORT void gfx_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo)
{
	if (!bo)
		return;
	/* Commands since the last fence may use it: fence them. */
	if (dev->unfenced && !dev->lost && gfx_ring_reserve(dev, GFX_FENCE_WORDS) == 0)
		gfx_emit_fence(dev, false);
	gfx_free_after(dev, bo->offset, bo->size, dev->lost ? 0 : dev->last_seqno);
	free(bo);
}
