// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm: GEM objects in VRAM.
 *
 * The device reads and writes only its BAR2, so objects live there, in a
 * drm_mm over BAR2 above the register page, and never move (no TTM: there
 * is nowhere to evict to). CPU mappings are write-combined PFN maps of the
 * BAR. A new object is cleared by the device itself (a FILL queued in the
 * ring, its fence in the object's reservation with KERNEL usage) so no
 * client sees another's old pixels; mmap waits for that fence, the device
 * executes the ring in order anyway.
 */
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_vma_manager.h>
#include "gfx_drm_drv.h"

static void gfx_bo_free(struct drm_gem_object *obj)
{
	struct gfx_dev *g = to_gfx(obj->dev);
	struct gfx_bo *bo = to_gfx_bo(obj);

	if (drm_mm_node_allocated(&bo->node)) {
		mutex_lock(&g->mm_lock);
		drm_mm_remove_node(&bo->node);
		WRITE_ONCE(g->vram_free, g->vram_free + obj->size);
		mutex_unlock(&g->mm_lock);
	}
	drm_gem_object_release(obj);
	kfree(bo);
}

/*
 * Only a dma-buf attachment of another device pins (objects never move):
 * the device cannot reach system memory and VRAM is not offered for
 * peer-to-peer, so such an attachment fails here, cleanly.
 */
static int gfx_bo_pin(struct drm_gem_object *obj)
{
	return -EOPNOTSUPP;
}

static int gfx_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct gfx_dev *g = to_gfx(obj->dev);
	unsigned long pfn = PHYS_PFN(g->vram_phys + to_gfx_bo(obj)->node.start) +
			    vma->vm_pgoff - drm_vma_node_start(&obj->vma_node);
	long ret;
	int idx;

	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;		/* a private copy of device memory */
	/* The clear queued at creation lands before the CPU looks. */
	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_KERNEL, true, MAX_SCHEDULE_TIMEOUT);
	if (ret < 0)
		return ret;
	if (!drm_dev_enter(obj->dev, &idx))
		return -ENODEV;
	vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, 0);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	ret = io_remap_pfn_range(vma, vma->vm_start, pfn, vma->vm_end - vma->vm_start,
				 vma->vm_page_prot);
	drm_dev_exit(idx);
	return ret;
}

static const struct vm_operations_struct gfx_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs gfx_bo_funcs = {
	.free = gfx_bo_free,
	.pin = gfx_bo_pin,
	.mmap = gfx_bo_mmap,
	.vm_ops = &gfx_vm_ops,
};

/* Rows of 4 KiB, up to GFX_MAX_SURFACE_SIDE rows per fill. */
static void gfx_write_clear(struct gfx_dev *g, u64 start, u64 size, u32 fmt, u32 cpp)
{
	u64 rows = size / SZ_4K;

	for (u64 row = 0; row < rows; row += GFX_MAX_SURFACE_SIDE) {
		u32 h = min_t(u64, rows - row, GFX_MAX_SURFACE_SIDE), w = SZ_4K / cpp;
		const u32 cmd[GFX_SET_SURFACE_WORDS + 4] = {
			GFX_CMD(GFX_OP_SET_SURFACE, GFX_SURFACE_DST, GFX_SET_SURFACE_WORDS),
			start + row * SZ_4K, w, h, SZ_4K, fmt,
			GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0, GFX_PACK(0, 0), GFX_PACK(w, h),
		};

		gfx_ring_write(g, cmd, ARRAY_SIZE(cmd));
	}
}

/*
 * A kernel job that zeroes VRAM [start, start + size) (whole 4 KiB pages):
 * zeroes, or the 32-bit format's "x" byte, what the engine stores there.
 * job->bos[0] gets bo (referenced) when there is one. Returns the job's
 * fence (a reference), or an ERR_PTR.
 */
struct dma_fence *gfx_vram_clear(struct gfx_dev *g, u64 start, u64 size, struct gfx_bo *bo)
{
	u32 fmt = gfx_format_cpp(g, GFX_FMT_ARGB8888) ? GFX_FMT_ARGB8888 : g->formats[0];
	u32 chunks = DIV_ROUND_UP(size / SZ_4K, GFX_MAX_SURFACE_SIDE);
	u32 words = chunks * (GFX_SET_SURFACE_WORDS + 4);
	struct gfx_job *job = gfx_job_alloc(g, NULL, bo ? 1 : 0);
	int ret;

	if (!job)
		return ERR_PTR(-ENOMEM);
	if (bo) {
		drm_gem_object_get(&bo->base);
		job->bos[job->bo_count++] = &bo->base;
	}
	ret = gfx_ring_begin(g, GFX_JOB_WORDS(words), true);
	if (ret) {
		gfx_job_free(job);
		return ERR_PTR(ret);
	}
	gfx_job_begin(g, job, words);
	gfx_write_clear(g, start, size, fmt, gfx_format_cpp(g, fmt));
	gfx_job_end(g, job);
	gfx_ring_end(g);
	return &job->fence;	/* dma_fence_init's reference: the caller's */
}

static int gfx_bo_clear(struct gfx_dev *g, struct gfx_bo *bo)
{
	struct dma_resv *resv = bo->base.resv;
	struct dma_fence *fence;
	int ret;

	dma_resv_lock(resv, NULL);	/* a new object: uncontended */
	ret = dma_resv_reserve_fences(resv, 1);
	fence = ret ? ERR_PTR(ret) : gfx_vram_clear(g, bo->node.start, bo->base.size, bo);
	if (!IS_ERR(fence)) {
		dma_resv_add_fence(resv, fence, DMA_RESV_USAGE_KERNEL);
		dma_fence_put(fence);
	}
	dma_resv_unlock(resv);
	return PTR_ERR_OR_ZERO(fence);
}

static struct gfx_bo *gfx_bo_alloc(struct gfx_dev *g, u64 size)
{
	struct gfx_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);

	if (!bo)
		return NULL;
	bo->base.funcs = &gfx_bo_funcs;
	drm_gem_private_object_init(&g->drm, &bo->base, PAGE_ALIGN(size));
	return bo;
}

struct gfx_bo *gfx_bo_create(struct gfx_dev *g, u64 size)
{
	struct gfx_bo *bo;
	int ret;

	if (!size || size > g->vram_size)
		return ERR_PTR(-EINVAL);
	bo = gfx_bo_alloc(g, size);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	gfx_retire(g);		/* buffers only finished jobs still held go first */
	mutex_lock(&g->mm_lock);
	ret = drm_mm_insert_node_generic(&g->mm, &bo->node, bo->base.size, PAGE_SIZE, 0,
					 DRM_MM_INSERT_BEST);
	if (!ret)
		WRITE_ONCE(g->vram_free, g->vram_free - bo->base.size);
	mutex_unlock(&g->mm_lock);
	if (ret == -ENOSPC)
		ret = -ENOMEM;
	ret = ret ?: drm_gem_create_mmap_offset(&bo->base) ?: gfx_bo_clear(g, bo);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return bo;
}

/*
 * A user-mode queue's window (gfx_drm_userq.c): the fixed VRAM range
 * [start, start + size) of client context `context`, page-aligned, as an
 * object, so that it can be shared as a dma-buf and read by other files'
 * jobs. Not cleared here: the queue clears it, waited, before handing it
 * out. -ENOSPC when GEM (or an earlier window object) uses any of it.
 */
struct gfx_bo *gfx_bo_create_window(struct gfx_dev *g, u64 start, u64 size, u32 context)
{
	struct gfx_bo *bo = gfx_bo_alloc(g, size);
	int ret;

	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->context = context;
	bo->node.start = start;
	bo->node.size = bo->base.size;
	mutex_lock(&g->mm_lock);
	ret = drm_mm_reserve_node(&g->mm, &bo->node);
	if (!ret)
		WRITE_ONCE(g->vram_free, g->vram_free - bo->base.size);
	mutex_unlock(&g->mm_lock);
	ret = ret ?: drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return bo;
}

static int gfx_bo_handle(struct drm_file *file, struct gfx_bo *bo, u32 *handle)
{
	int ret;

	if (IS_ERR(bo))
		return PTR_ERR(bo);
	ret = drm_gem_handle_create(file, &bo->base, handle);
	drm_gem_object_put(&bo->base);	/* the handle holds it now */
	return ret;
}

/* Rows start on a cache line (GFX_PITCH_ALIGN); the device needs only 4. */
int gfx_dumb_create(struct drm_file *file, struct drm_device *drm,
		    struct drm_mode_create_dumb *args)
{
	u32 cpp = DIV_ROUND_UP(args->bpp, 8);
	struct gfx_bo *bo;
	int ret;

	if (!cpp || cpp > 4 || !args->width || !args->height ||
	    args->width > GFX_MAX_SURFACE_SIDE || args->height > GFX_MAX_SURFACE_SIDE)
		return -EINVAL;
	args->pitch = ALIGN(args->width * cpp, GFX_PITCH_ALIGN);
	bo = gfx_bo_create(to_gfx(drm), (u64)args->pitch * args->height);
	ret = gfx_bo_handle(file, bo, &args->handle);
	if (!ret)
		args->size = bo->base.size;
	return ret;
}

int gfx_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gfx_bo_create *a = data;
	struct gfx_bo *bo;
	int ret;

	if (a->flags)
		return -EINVAL;
	bo = gfx_bo_create(to_gfx(drm), a->size);
	ret = gfx_bo_handle(file, bo, &a->handle);
	if (!ret) {
		a->size = bo->base.size;
		a->offset = bo->node.start;
	}
	return ret;
}

int gfx_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gfx_bo_info *a = data;
	struct drm_gem_object *obj;

	if (a->context)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, a->handle);
	if (!obj)
		return -ENOENT;
	a->size = obj->size;
	a->offset = to_gfx_bo(obj)->node.start;
	a->context = to_gfx_bo(obj)->context;
	a->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

static void gfx_vram_fini(struct drm_device *drm, void *arg)
{
	struct gfx_dev *g = arg;

	drm_mm_remove_node(&g->ring_node);
	drm_mm_takedown(&g->mm);	/* complains about any object left */
}

/* The allocator over BAR2 above the register page; the ring comes first. */
int gfx_vram_init(struct gfx_dev *g)
{
	int ret;

	ret = drmm_mutex_init(&g->drm, &g->mm_lock);
	if (ret)
		return ret;
	drm_mm_init(&g->mm, GFX_VRAM_START, g->vram_size - GFX_VRAM_START);
	ret = drm_mm_insert_node_in_range(&g->mm, &g->ring_node, GFX_RING_SIZE, SZ_4K, 0,
					  GFX_VRAM_START, g->vram_size, DRM_MM_INSERT_LOW);
	if (ret) {
		drm_mm_takedown(&g->mm);
		return ret;
	}
	g->vram_free = g->vram_size - GFX_VRAM_START - GFX_RING_SIZE;
	return drmm_add_action_or_reset(&g->drm, gfx_vram_fini, g);
}
