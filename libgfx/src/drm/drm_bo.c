/* SPDX-License-Identifier: MIT */
/*
 * drm_bo.c - buffers on the DRM driver: GEM objects in VRAM, mapped
 * write-combined through the DRM fd, kept in a table sorted by VRAM offset
 * (objects never move), so any struct gfx_bo finds its GEM handle.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "drm_priv.h"

/* Index of the first buffer whose offset is > offset. */
static unsigned int upper_bound(const struct gfx_drm *d, uint32_t offset)
{
	unsigned int lo = 0, hi = d->bo_n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (d->bos[mid].offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The buffer holding the bytes [offset, end), or NULL. */
struct drm_bo *drm_bo_containing(struct gfx_drm *d, uint32_t offset, uint64_t end)
{
	unsigned int i = upper_bound(d, offset);
	struct drm_bo *b;

	if (i == 0)
		return NULL;
	b = &d->bos[i - 1];
	return end <= (uint64_t)b->offset + b->size ? b : NULL;
}

static int table_insert(struct gfx_drm *d, const struct drm_bo *b)
{
	unsigned int i;

	if (d->bo_n == d->bo_cap) {
		unsigned int cap = d->bo_cap ? d->bo_cap * 2 : 64;
		struct drm_bo *n = realloc(d->bos, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		d->bos = n;
		d->bo_cap = cap;
	}
	i = upper_bound(d, b->offset);
	memmove(&d->bos[i + 1], &d->bos[i], (d->bo_n - i) * sizeof(*b));
	d->bos[i] = *b;
	d->bo_n++;
	return 0;
}

void drm_close_handle(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

int drm_bo_create(struct gfx_device *dev, struct gfx_bo *bo)
{
	struct gfx_drm *d = dev->drm;
	struct drm_gfx_bo_create c = { .size = bo->size };
	struct drm_gfx_bo_info info = { 0 };
	struct drm_bo b = { 0 };
	void *map;

	if (drmIoctl(d->fd, DRM_IOCTL_GFX_BO_CREATE, &c) < 0) {
		if (errno == ENOSPC || errno == ENOMEM)
			return gfx_set_error(dev, -ENOSPC, "out of VRAM for a %ux%u buffer (%u bytes)",
					     bo->width, bo->height, bo->size);
		return drm_ioctl_err(dev, -errno, "BO_CREATE");
	}
	info.handle = c.handle;
	if (drmIoctl(d->fd, DRM_IOCTL_GFX_BO_INFO, &info) < 0) {
		int r = drm_ioctl_err(dev, -errno, "BO_INFO");

		drm_close_handle(d->fd, c.handle);
		return r;
	}
	map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, (off_t)info.mmap_offset);
	b = (struct drm_bo){ .offset = (uint32_t)c.offset, .size = (uint32_t)c.size,
			     .handle = c.handle, .refs = 1, .map = map };
	if (map == MAP_FAILED || table_insert(d, &b) < 0) {
		int r = map == MAP_FAILED ? -errno : -ENOMEM;

		if (map != MAP_FAILED)
			munmap(map, c.size);
		drm_close_handle(d->fd, c.handle);
		return gfx_set_error(dev, r, "cannot map a buffer: %s", strerror(-r));
	}
	bo->offset = b.offset;
	bo->map = map;
	return 0;
}

/*
 * The kernel keeps the object until every job using it is done; a job not
 * yet submitted still names the handle, so that one closes after the submit.
 */
void drm_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo)
{
	struct gfx_drm *d = dev->drm;
	unsigned int i = upper_bound(d, bo->offset);
	struct drm_bo b;

	/* By any offset in the object: an import's plane may start inside it (a queue's window). */
	if (i == 0 || bo->offset >= (uint64_t)d->bos[i - 1].offset + d->bos[i - 1].size)
		return;	/* not ours, or destroyed twice */
	if (--d->bos[i - 1].refs > 0)
		return;	/* another import of the same dma-buf still uses it */
	b = d->bos[--i];
	memmove(&d->bos[i], &d->bos[i + 1], (d->bo_n - i - 1) * sizeof(b));
	d->bo_n--;
	munmap(b.map, b.size);
	if (b.fb_id)
		drm_kms_fb_gone(dev, b.fb_id);
	if (drm_job_uses(d, b.handle))
		drm_job_close_later(dev, b.handle);
	else
		drm_close_handle(d->fd, b.handle);
}

void drm_bo_fini(struct gfx_drm *d)
{
	for (unsigned int i = 0; i < d->bo_n; i++)
		munmap(d->bos[i].map, d->bos[i].size);
	free(d->bos);
	d->bos = NULL;
	d->bo_n = d->bo_cap = 0;
}

/* ---- PRIME: dma-buf fds of our buffers, for another process of the same GPU ---- */

int drm_bo_export(struct gfx_device *dev, const struct gfx_bo *bo, int *fd, uint32_t *offset)
{
	struct gfx_drm *d = dev->drm;
	struct drm_bo *b = drm_bo_containing(d, bo->offset, (uint64_t)bo->offset + 1);

	if (!b || b->offset != bo->offset)
		return gfx_set_error(dev, -EINVAL, "no buffer of ours at 0x%x to export", bo->offset);
	if (drmPrimeHandleToFD(d->fd, b->handle, DRM_CLOEXEC | DRM_RDWR, fd) < 0)
		return drm_ioctl_err(dev, -errno, "PRIME_HANDLE_TO_FD");
	*offset = 0;
	return 0;
}

/* The object of an imported dma-buf: in our table (once per handle), its VRAM offset. */
static int import_handle(struct gfx_device *dev, uint32_t handle, struct drm_bo **out)
{
	struct gfx_drm *d = dev->drm;
	struct drm_gfx_bo_info info = { .handle = handle };
	struct drm_bo b = { 0 };

	for (unsigned int i = 0; i < d->bo_n; i++) {
		if (d->bos[i].handle == handle) {
			d->bos[i].refs++;
			*out = &d->bos[i];
			return 0;
		}
	}
	if (drmIoctl(d->fd, DRM_IOCTL_GFX_BO_INFO, &info) < 0) {
		int r = drm_ioctl_err(dev, -errno, "BO_INFO");

		drm_close_handle(d->fd, handle);
		return r;
	}
	b = (struct drm_bo){ .offset = (uint32_t)info.offset, .size = (uint32_t)info.size,
			     .handle = handle, .refs = 1, .context = info.context };
	b.map = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, (off_t)info.mmap_offset);
	if (b.map == MAP_FAILED || table_insert(d, &b) < 0) {
		if (b.map != MAP_FAILED)
			munmap(b.map, info.size);
		drm_close_handle(d->fd, handle);
		return gfx_set_error(dev, -ENOMEM, "cannot map an imported buffer");
	}
	*out = drm_bo_containing(d, b.offset, (uint64_t)b.offset + 1);
	return 0;
}

int drm_bo_import(struct gfx_device *dev, int fd, uint32_t offset, struct gfx_bo *bo)
{
	struct gfx_drm *d = dev->drm;
	struct drm_bo *b = NULL;
	uint32_t handle;
	uint64_t end = offset + (uint64_t)(bo->height - 1) * bo->stride +
		       (uint64_t)bo->width * gfx_format_bpp(bo->format);
	int r;

	if (drmPrimeFDToHandle(d->fd, fd, &handle) < 0)
		return gfx_set_error(dev, -errno, "PRIME import: %s (a dma-buf of another device?)",
				     strerror(errno));
	r = import_handle(dev, handle, &b);
	if (r < 0 || !b)
		return r < 0 ? r : gfx_set_error(dev, -ENOMEM, "lost an imported buffer");
	if (end > b->size) {
		struct gfx_bo whole = { .offset = b->offset };

		drm_bo_destroy(dev, &whole);
		return gfx_set_error(dev, -EINVAL, "a %ux%u surface (stride %u) at %u does not fit a "
				     "%u-byte dma-buf", bo->width, bo->height, bo->stride, offset, b->size);
	}
	bo->map = (uint8_t *)b->map + offset;
	bo->offset = b->offset + offset;
	bo->size = b->size - offset;
	bo->context = b->context;
	return 0;
}
