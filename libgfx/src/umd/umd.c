/* SPDX-License-Identifier: MIT */
/*
 * umd.c - the user-mode driver: libgfx drives the GPU itself through a
 * backend that maps BAR2 (direct, uio), as its master context or as a
 * client context. Opening, identity, the VRAM the allocator may use,
 * closing, and the driver table whose operations live in ring.c, fence.c,
 * display.c, events.c, buffer.c and contexts.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "backend.h"

/* Identity from the register page; -ENODEV with the message for gfx_last_error(NULL). */
static int read_identity(struct gfx_device *dev)
{
	uint32_t magic = gfx_rd32(dev, GFX_REG_MAGIC), version = gfx_rd32(dev, GFX_REG_VERSION);
	uint32_t i;

	if (magic != GFX_MAGIC)
		return gfx_set_error(NULL, -ENODEV, "not a reference GPU: magic 0x%08x, expected 0x%08x",
				     magic, GFX_MAGIC);
	if (version >> 16 != GFX_VERSION_MAJOR)
		return gfx_set_error(NULL, -ENODEV, "GPU version %u.%u, libgfx speaks %u.x",
				     version >> 16, version & 0xffff, GFX_VERSION_MAJOR);
	dev->vram_size = gfx_rd64(dev, GFX_REG_VRAM_SIZE);
	if (dev->vram_size > dev->be->bar2_size || dev->vram_size < GFX_VRAM_START + 2 * GFX_BO_ALIGN)
		return gfx_set_error(NULL, -ENODEV, "bad VRAM size %llu (mapping is %llu bytes)",
				     (unsigned long long)dev->vram_size,
				     (unsigned long long)dev->be->bar2_size);
	dev->max_cmd_words = gfx_rd32(dev, GFX_REG_MAX_CMD_WORDS);
	if (dev->max_cmd_words < 16 || dev->max_cmd_words > GFX_MAX_CMD_WORDS)
		return gfx_set_error(NULL, -ENODEV, "bad MAX_CMD_WORDS %u (16..%u)",
				     dev->max_cmd_words, GFX_MAX_CMD_WORDS);
	dev->context = gfx_rd32(dev, GFX_REG_CONTEXT_ID);
	dev->context_count = gfx_rd32(dev, GFX_REG_CONTEXT_COUNT);
	dev->window_offset = gfx_rd32(dev, GFX_REG_WINDOW_OFFSET);
	dev->window_size = gfx_rd32(dev, GFX_REG_WINDOW_SIZE);
	if (dev->context != dev->be->context || dev->context_count > GFX_MAX_CONTEXTS ||
	    dev->context >= dev->context_count || dev->window_offset < GFX_VRAM_START ||
	    dev->window_offset % GFX_BO_ALIGN || dev->window_size < 2 * GFX_BO_ALIGN ||
	    (uint64_t)dev->window_offset + dev->window_size > dev->vram_size)
		return gfx_set_error(NULL, -ENODEV, "bad context registers: context %u of %u, window "
				     "0x%x+0x%x (expected context %u)", dev->context,
				     dev->context_count, dev->window_offset, dev->window_size,
				     dev->be->context);
	dev->mode_width = gfx_rd32(dev, GFX_REG_MODE_WIDTH);
	dev->mode_height = gfx_rd32(dev, GFX_REG_MODE_HEIGHT);
	dev->format_count = gfx_rd32(dev, GFX_REG_FORMAT_COUNT);
	if (dev->format_count > GFX_MAX_FORMATS)
		dev->format_count = GFX_MAX_FORMATS;
	for (i = 0; i < dev->format_count; i++)
		dev->formats[i] = gfx_rd32(dev, GFX_REG_FORMATS + 4 * i);
	return 0;
}

static void umd_close(struct gfx_device *dev)
{
	if (!dev->lost && dev->regs)
		gfx_wr32(dev, GFX_REG_IRQ_ENABLE, 0);
	gfx_alloc_fini(dev);
	dev->be->destroy(dev->be);
	gfx_device_free(dev);
}

/*
 * The allocator's VRAM: a client its window; the master all of VRAM but the
 * client windows (it may still read and write them: it composites them).
 */
static int init_allocator(struct gfx_device *dev)
{
	const volatile struct gfx_ctx_entry *table =
		(const volatile struct gfx_ctx_entry *)(dev->regs + GFX_REG_CTX_TABLE);

	if (gfx_alloc_init(dev, dev->window_offset, (uint64_t)dev->window_offset + dev->window_size) < 0)
		return -ENOMEM;
	if (dev->context != GFX_MASTER_CONTEXT)
		return 0;
	for (uint32_t i = 1; i < dev->context_count; i++)
		gfx_alloc_exclude(dev, table[i].window_offset, table[i].window_size);
	return 0;
}

/* Takes be: on failure it is destroyed with the device. */
int gfx_umd_open(struct gfx_backend *be, struct gfx_device **out)
{
	struct gfx_device *dev = gfx_device_alloc(&gfx_umd_driver, GFX_MAX_CMD_WORDS);
	int r;

	if (!dev) {
		be->destroy(be);
		return gfx_set_error(NULL, -ENOMEM, "out of memory");
	}
	dev->be = be;
	dev->backend = be->name;
	dev->regs = be->regs;
	dev->vram = be->bar2;
	r = read_identity(dev);
	if (r < 0)
		goto fail;
	r = init_allocator(dev);
	if (r < 0) {
		r = gfx_set_error(NULL, -ENOMEM, "out of memory");
		goto fail;
	}
	dev->last_seqno = dev->last_irq_seqno = gfx_rd64(dev, GFX_REG_FENCE_DONE);
	r = gfx_events_init(dev);
	if (r < 0) {
		r = gfx_set_error(NULL, r, "cannot set up the event fd: %s", strerror(-r));
		goto fail;
	}
	r = gfx_ring_init(dev);
	if (r < 0) {
		gfx_set_error(NULL, r, "%s", dev->err);
		goto fail;
	}
	be->irq_master(be, 1);
	*out = dev;
	return 0;
fail:
	umd_close(dev);
	return r;
}

static int umd_get_info(struct gfx_device *dev, struct gfx_info *info)
{
	memset(info, 0, sizeof(*info));
	info->backend = dev->backend;
	info->version = gfx_rd32(dev, GFX_REG_VERSION);
	info->caps = gfx_rd32(dev, GFX_REG_CAPS);
	info->vram_size = dev->vram_size;
	info->vram_free = gfx_alloc_free_bytes(dev);
	info->format_count = dev->format_count;
	memcpy(info->formats, dev->formats, sizeof(info->formats));
	info->width = dev->mode_width;
	info->height = dev->mode_height;
	info->refresh_mhz = gfx_rd32(dev, GFX_REG_MODE_REFRESH);
	info->vblank_seq = gfx_rd64(dev, GFX_REG_VBLANK_SEQ);
	info->fence_done = gfx_rd64(dev, GFX_REG_FENCE_DONE);
	info->status = gfx_rd32(dev, GFX_REG_STATUS);
	info->error_count = gfx_rd32(dev, GFX_REG_ERROR_COUNT);
	info->reset_count = gfx_rd32(dev, GFX_REG_RESET_COUNT);
	info->context = dev->context;
	info->context_count = dev->context_count;
	info->window_offset = dev->window_offset;
	info->window_size = dev->window_size;
	return dev->lost ? gfx_lost(dev) : 0;
}

/* A buffer in our window, where the window can leave the process as a dma-buf (drm-userq). */
static int umd_bo_export(struct gfx_device *dev, const struct gfx_bo *bo, int *fd, uint32_t *offset)
{
	char err[160] = "";
	int r;

	if (!dev->be->export_window)
		return gfx_set_error(dev, -EOPNOTSUPP, "no dma-buf on %s: hand out a context instead",
				     dev->backend);
	if (bo->offset < dev->window_offset ||
	    (uint64_t)bo->offset + bo->size > (uint64_t)dev->window_offset + dev->window_size)
		return gfx_set_error(dev, -EINVAL, "no buffer of our window at 0x%x to export", bo->offset);
	r = dev->be->export_window(dev->be, fd, err, sizeof(err));
	if (r < 0)
		return gfx_set_error(dev, r, "%s", err);
	*offset = bo->offset - dev->window_offset;
	return 0;
}

/*
 * A sync_file for seqno: the kernel signals it at the context's interrupt,
 * so a fence after seqno that raises one is emitted unless there is one,
 * and the ring is submitted (the kernel's fence is asked for after the
 * doorbell). Only a user-mode queue has kernel fences.
 */
static int umd_fence_export(struct gfx_device *dev, uint64_t seqno, int *fd)
{
	char err[160] = "";
	int r;

	if (!dev->be->export_fence)
		return gfx_set_error(dev, -EOPNOTSUPP, "no kernel fences on %s: another process reads "
				     "the context's fence (gfx_context_info)", dev->backend);
	if (seqno == 0 || !gfx_seqno_passed(dev->last_seqno, seqno))
		return gfx_set_error(dev, -EINVAL, "fence %llu was never emitted (the newest is %llu)",
				     (unsigned long long)seqno, (unsigned long long)dev->last_seqno);
	r = umd_fence_done(dev, seqno) || gfx_seqno_passed(dev->last_irq_seqno, seqno) ? 0 :
	    umd_fence(dev, true, &seqno);
	r = r ?: umd_submit(dev);
	if (r < 0)
		return r;
	r = dev->be->export_fence(dev->be, seqno, fd, err, sizeof(err));
	return r < 0 ? gfx_set_error(dev, r, "%s", err) : 0;
}

const struct gfx_driver gfx_umd_driver = {
	.close = umd_close,
	.get_info = umd_get_info,
	.bo_create = umd_bo_create,
	.bo_destroy = umd_bo_destroy,
	.bo_export = umd_bo_export,
	.emit_surface = gfx_emit_surface,
	.make_space = gfx_ring_wait_space,
	.submit = umd_submit,
	.fence = umd_fence,
	.fence_done = umd_fence_done,
	.fence_wait = umd_fence_wait,
	.fence_export = umd_fence_export,
	.reset = umd_reset,
	.flip = umd_flip,
	.emit_wait_vblank = umd_emit_wait_vblank,
	.wait_vblank = umd_wait_vblank,
	.last_vblank = umd_last_vblank,
	.dispatch = umd_dispatch,
	.set_vblank_events = umd_set_vblank_events,
	.set_input_events = umd_set_input_events,
};

/* ---- the user-mode driver's buffers: ranges of its VRAM allocator ---- */

int umd_bo_create(struct gfx_device *dev, struct gfx_bo *bo)
{
	uint32_t off;
	int r = gfx_alloc(dev, bo->size, &off);

	if (r == -ENOSPC)
		return gfx_set_error(dev, r, "out of VRAM for a %ux%u buffer (%u bytes)",
				     bo->width, bo->height, bo->size);
	if (r < 0)
		return r;
	bo->offset = off;
	bo->map = (void *)(dev->vram + off);
	return 0;
}

void umd_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo)
{
	/* Commands since the last fence may use it: fence them. */
	if (dev->unfenced && !dev->lost && gfx_ring_reserve(dev, GFX_FENCE_WORDS) == 0)
		gfx_emit_fence(dev, false);
	gfx_free_after(dev, bo->offset, bo->size, dev->lost ? 0 : dev->last_seqno);
}
