/* SPDX-License-Identifier: MIT */
/*
 * kms_mem.c - the CPU driver's memory (kms_priv.h): the arena, buffers as
 * dumb buffers mapped at their allocator offsets, their framebuffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "kms_priv.h"

int kms_mem_init(struct gfx_device *dev)
{
	struct gfx_kms *k = dev->kms;
	const char *env = getenv("GFX_KMS_VRAM_MIB");
	uint64_t mib = env && *env ? strtoull(env, NULL, 10) : KMS_ARENA_MIB_DEFAULT;
	void *p;

	if (mib < 16 || mib >= 4096)
		return gfx_set_error(dev, -EINVAL, "GFX_KMS_VRAM_MIB=%s: want 16 to 4095", env);
	k->arena_size = mib << 20;
	p = mmap(NULL, k->arena_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return gfx_set_error(dev, -errno, "reserving %llu MiB of address space: %s",
				     (unsigned long long)mib, strerror(errno));
	k->arena = p;
	dev->vram = p;
	dev->vram_size = k->arena_size;
	dev->window_offset = GFX_VRAM_START;
	dev->window_size = (uint32_t)(k->arena_size - GFX_VRAM_START);
	return gfx_alloc_init(dev, GFX_VRAM_START, k->arena_size) < 0 ?
	       gfx_set_error(dev, -ENOMEM, "out of memory") : 0;
}

/* Give [offset, offset + size) of the arena back to the reservation. */
static void unmap_range(struct gfx_kms *k, uint32_t offset, uint32_t size)
{
	mmap(k->arena + offset, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
	     -1, 0);
}

static void close_handle(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb d = { .handle = handle };

	drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
}

void kms_mem_fini(struct gfx_device *dev)
{
	struct gfx_kms *k = dev->kms;

	for (unsigned int i = 0; i < k->bo_n; i++) {
		if (k->bos[i].fb_id)
			drmModeRmFB(k->fd, k->bos[i].fb_id);
		close_handle(k->fd, k->bos[i].handle);
	}
	free(k->bos);
	if (k->arena)
		munmap(k->arena, k->arena_size);
	gfx_alloc_fini(dev);
}

/* The buffer of ours holding [offset, end), or NULL. */
static struct kms_bo *bo_containing(struct gfx_kms *k, uint32_t offset, uint64_t end)
{
	for (unsigned int i = 0; i < k->bo_n; i++)
		if (k->bos[i].offset <= offset && end <= (uint64_t)k->bos[i].offset + k->bos[i].size)
			return &k->bos[i];
	return NULL;
}

static int bo_insert(struct gfx_kms *k, const struct kms_bo *b)
{
	unsigned int i = 0;

	if (k->bo_n == k->bo_cap) {
		unsigned int cap = k->bo_cap ? k->bo_cap * 2 : 64;
		struct kms_bo *n = realloc(k->bos, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		k->bos = n;
		k->bo_cap = cap;
	}
	while (i < k->bo_n && k->bos[i].offset < b->offset)
		i++;
	memmove(&k->bos[i + 1], &k->bos[i], (k->bo_n - i) * sizeof(*b));
	k->bos[i] = *b;
	k->bo_n++;
	return 0;
}

/* A dumb buffer of at least size bytes, its rows the buffer's stride, mapped at offset. */
static int dumb_at(struct gfx_device *dev, const struct gfx_bo *bo, uint32_t offset,
		   struct kms_bo *out)
{
	struct gfx_kms *k = dev->kms;
	struct drm_mode_create_dumb c = { .width = bo->stride / 4, .bpp = 32,
					  .height = (bo->size + bo->stride - 1) / bo->stride };
	struct drm_mode_map_dumb m = { 0 };

	if (drmIoctl(k->fd, DRM_IOCTL_MODE_CREATE_DUMB, &c) < 0)
		return errno == ENODEV ? gfx_lost(dev) :
		       gfx_set_error(dev, -errno, "a %ux%u dumb buffer: %s", c.width, c.height,
				     strerror(errno));
	m.handle = c.handle;
	if (c.size < bo->size || drmIoctl(k->fd, DRM_IOCTL_MODE_MAP_DUMB, &m) < 0 ||
	    mmap(k->arena + offset, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, k->fd,
		 (off_t)m.offset) == MAP_FAILED) {
		int r = c.size < bo->size ? -ENOSPC : -errno;

		close_handle(k->fd, c.handle);
		unmap_range(k, offset, bo->size);
		return gfx_set_error(dev, r, "mapping a dumb buffer of %llu bytes: %s",
				     (unsigned long long)c.size, strerror(-r));
	}
	*out = (struct kms_bo){ .offset = offset, .size = bo->size, .handle = c.handle };
	return 0;
}

int kms_bo_create(struct gfx_device *dev, struct gfx_bo *bo)
{
	struct gfx_kms *k = dev->kms;
	struct kms_bo b;
	uint32_t off;
	int r = gfx_alloc(dev, bo->size, &off);

	if (r == -ENOSPC)
		return gfx_set_error(dev, r, "out of memory for a %ux%u buffer (%u bytes; "
				     "GFX_KMS_VRAM_MIB sets the arena)", bo->width, bo->height, bo->size);
	if (r < 0)
		return r;
	r = dumb_at(dev, bo, off, &b);
	if (r == 0 && bo_insert(k, &b) < 0) {
		close_handle(k->fd, b.handle);
		unmap_range(k, off, bo->size);
		r = gfx_set_error(dev, -ENOMEM, "out of memory");
	}
	if (r < 0) {
		gfx_free_after(dev, off, bo->size, 0);
		return r;
	}
	bo->offset = off;
	bo->map = k->arena + off;
	return 0;
}

/* Framebuffer, mapping, dumb buffer and range of b go; b leaves the list. */
static void bo_free(struct gfx_device *dev, struct kms_bo *b)
{
	struct gfx_kms *k = dev->kms;
	uint32_t off = b->offset, size = b->size;

	if (b->fb_id)
		kms_output_rm_fb(&k->out, b->fb_id);
	close_handle(k->fd, b->handle);
	unmap_range(k, off, size);
	memmove(b, b + 1, (size_t)(&k->bos[k->bo_n] - (b + 1)) * sizeof(*b));
	k->bo_n--;
	gfx_free_after(dev, off, size, 0);
}

void kms_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo)
{
	struct gfx_kms *k = dev->kms;
	struct kms_bo *b = NULL;

	for (unsigned int i = 0; i < k->bo_n && !b; i++)
		if (k->bos[i].offset == bo->offset)
			b = &k->bos[i];
	if (!b)
		return;	/* a part of a buffer the application described: not ours to free */
	if (dev->tail && !dev->lost)
		cpu_flush(dev);	/* commands not yet run may use it */
	if (b->fb_id && b->fb_id == k->out.shown_fb && !dev->lost) {
		b->doomed = true;	/* on screen: it goes when another flip latched */
		return;
	}
	bo_free(dev, b);
}

void kms_mem_latched(struct gfx_device *dev)
{
	struct gfx_kms *k = dev->kms;

	for (unsigned int i = 0; i < k->bo_n;) {
		if (k->bos[i].doomed && k->bos[i].fb_id != k->out.shown_fb)
			bo_free(dev, &k->bos[i]);
		else
			i++;
	}
}

int kms_fb_for(struct gfx_device *dev, const struct gfx_bo *bo, uint32_t *fb_id)
{
	struct gfx_kms *k = dev->kms;
	struct kms_bo *b = bo_containing(k, bo->offset, bo->offset + (uint64_t)bo->stride * bo->height);
	int r;

	if (!b || b->doomed)
		return gfx_set_error(dev, -EINVAL, "flip buffer at 0x%x is not a buffer of this device",
				     bo->offset);
	if (b->fb_id && b->fb_offset == bo->offset - b->offset && b->fb_width == bo->width &&
	    b->fb_height == bo->height && b->fb_stride == bo->stride && b->fb_format == bo->format) {
		*fb_id = b->fb_id;
		return 0;
	}
	if (b->fb_id)
		kms_output_rm_fb(&k->out, b->fb_id);
	b->fb_id = 0;
	r = kms_output_add_fb(dev, &k->out, b->handle, bo->offset - b->offset, bo, &b->fb_id);
	if (r < 0)
		return r;
	b->fb_offset = bo->offset - b->offset;
	b->fb_width = bo->width;
	b->fb_height = bo->height;
	b->fb_stride = bo->stride;
	b->fb_format = bo->format;
	*fb_id = b->fb_id;
	return 0;
}
