/* SPDX-License-Identifier: MIT */
/*
 * buffer.c - buffer objects: VRAM surfaces with a CPU mapping. The shape is
 * checked and laid out here; the memory comes from the driver (a range of
 * the user-mode driver's allocator, a GEM object of gfx_drm, a dumb buffer
 * of a KMS device).
 */
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

GFX_EXPORT int gfx_bo_create(struct gfx_device *dev, uint32_t width, uint32_t height,
			     uint32_t format, struct gfx_bo **out)
{
	uint32_t bpp = gfx_format_bpp(format), stride;
	struct gfx_bo *bo;
	uint64_t size;
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
	if (size > dev->window_size)
		return gfx_set_error(dev, -ENOSPC, "buffer of %llu bytes exceeds %s (%u bytes)",
				     (unsigned long long)size, dev->context ? "this context's VRAM window" :
				     "VRAM", dev->window_size);
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	bo->width = width;
	bo->height = height;
	bo->stride = stride;
	bo->format = format;
	bo->size = (uint32_t)size;
	r = dev->drv->bo_create(dev, bo);
	if (r < 0) {
		free(bo);
		return r;
	}
	*out = bo;
	return 0;
}

GFX_EXPORT int gfx_bo_export_plane(struct gfx_device *dev, const struct gfx_bo *bo, int *fd,
				   uint32_t *offset)
{
	*fd = -1;
	*offset = 0;
	if (dev->lost)
		return gfx_lost(dev);
	if (!dev->drv->bo_export)
		return gfx_set_error(dev, -EOPNOTSUPP, "no dma-buf on %s: hand out a context instead",
				     dev->backend);
	return dev->drv->bo_export(dev, bo, fd, offset);
}

GFX_EXPORT int gfx_bo_export_dmabuf(struct gfx_device *dev, const struct gfx_bo *bo, int *fd)
{
	uint32_t offset;
	int r = gfx_bo_export_plane(dev, bo, fd, &offset);

	if (r < 0 || offset == 0)
		return r;
	close(*fd);
	*fd = -1;
	return gfx_set_error(dev, -EINVAL, "the buffer lies at %u in its dma-buf: use gfx_bo_export_plane",
			     offset);
}

GFX_EXPORT int gfx_bo_import_plane(struct gfx_device *dev, int fd, uint32_t offset, uint32_t width,
				   uint32_t height, uint32_t stride, uint32_t format, struct gfx_bo **out)
{
	struct gfx_bo *bo;
	int r;

	*out = NULL;
	if (dev->lost)
		return gfx_lost(dev);
	if (!dev->drv->bo_import)
		return gfx_set_error(dev, -EOPNOTSUPP, "no dma-buf on %s", dev->backend);
	r = gfx_check_surface(dev, width, height, stride, format);
	if (r < 0)
		return r;
	if (offset % 4)
		return gfx_set_error(dev, -EINVAL, "a plane at offset %u: not a multiple of 4", offset);
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	*bo = (struct gfx_bo){ .width = width, .height = height, .stride = stride, .format = format };
	r = dev->drv->bo_import(dev, fd, offset, bo);
	if (r < 0) {
		free(bo);
		return r;
	}
	*out = bo;
	return 0;
}

GFX_EXPORT int gfx_bo_import_dmabuf(struct gfx_device *dev, int fd, uint32_t width, uint32_t height,
				    uint32_t stride, uint32_t format, struct gfx_bo **out)
{
	return gfx_bo_import_plane(dev, fd, 0, width, height, stride, format, out);
}

GFX_EXPORT void gfx_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo)
{
	if (!bo)
		return;
	dev->drv->bo_destroy(dev, bo);
	free(bo);
}
