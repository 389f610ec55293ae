/* SPDX-License-Identifier: MIT */
/*
 * contexts.c - hardware contexts: the master hands client contexts out
 * (acquire, release, reset, the fence mirror), a client opens one.
 *
 * A context is handed out clean: its ring stopped, reset by the master's
 * CTX_RESET, and its VRAM window cleared by a fill on the master's ring, so
 * no client ever sees its predecessor's pixels. What a handle holds depends
 * on the backend (gfx.h); the backend makes it (export_context) and opens it
 * (gfx_backend_*_adopt).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "backend.h"

#define CLEAR_STRIDE	4096u	/* the window is cleared as an XRGB surface this wide */

static int require_umd_master(struct gfx_device *dev, uint32_t ctx)
{
	if (dev->lost)
		return gfx_lost(dev);
	if (dev->drv != &gfx_umd_driver)
		return gfx_set_error(dev, -EOPNOTSUPP, "no hardware contexts to hand out on %s: clients "
				     "use render nodes and dma-buf there, or a user-mode queue of their "
				     "own (drm-userq)", dev->backend);
	if (dev->context != GFX_MASTER_CONTEXT)
		return gfx_set_error(dev, -EPERM, "only the master context manages contexts");
	if (ctx == GFX_MASTER_CONTEXT || ctx >= dev->context_count)
		return gfx_set_error(dev, -EINVAL, "no client context %u (the GPU has %u contexts)",
				     ctx, dev->context_count);
	return 0;
}

static volatile uint8_t *ctx_page(struct gfx_device *dev, uint32_t ctx)
{
	return dev->vram + GFX_CTX_PAGE(ctx);
}

/* CTX_RESET of ctx, and wait for its RESET_COUNT to move. */
static int reset_context(struct gfx_device *dev, uint32_t ctx)
{
	volatile uint8_t *page = ctx_page(dev, ctx);
	uint32_t before = __atomic_load_n((uint32_t *)(page + GFX_REG_RESET_COUNT), __ATOMIC_ACQUIRE);
	int64_t deadline = gfx_now_ns() + GFX_RESET_TIMEOUT_NS;

	__atomic_fetch_or((uint32_t *)(dev->regs + GFX_REG_CTX_RESET), 1u << ctx, __ATOMIC_SEQ_CST);
	dev->be->kick(dev->be);
	while (__atomic_load_n((uint32_t *)(page + GFX_REG_RESET_COUNT), __ATOMIC_ACQUIRE) == before) {
		if (gfx_now_ns() >= deadline)
			return gfx_set_error(dev, -ETIMEDOUT, "context %u did not reset within %lld ms",
					     ctx, GFX_RESET_TIMEOUT_NS / 1000000);
		int r = gfx_wait_irq(dev, gfx_now_ns() + 1000000);	/* no interrupt for this: poll */

		if (r < 0)
			return r;
	}
	return 0;
}

/* Ring stopped and interrupts off (the next holder turns them on), then a reset. */
static int quiesce_context(struct gfx_device *dev, uint32_t ctx)
{
	volatile uint8_t *page = ctx_page(dev, ctx);

	__atomic_store_n((uint32_t *)(page + GFX_REG_IRQ_ENABLE), 0, __ATOMIC_RELEASE);
	__atomic_store_n((uint32_t *)(page + GFX_REG_CONTROL), 0, __ATOMIC_RELEASE);
	__atomic_store_n((uint32_t *)(page + GFX_REG_IRQ_MASTER), 1, __ATOMIC_RELEASE);
	return reset_context(dev, ctx);
}

/* Zero ctx's window with fills on our ring; our destination surface is restored after. */
static int clear_window(struct gfx_device *dev, uint32_t ctx)
{
	const volatile struct gfx_ctx_entry *e =
		(const volatile struct gfx_ctx_entry *)(dev->regs + GFX_REG_CTX_TABLE) + ctx;
	uint32_t off = e->window_offset, end = off + e->window_size;
	struct gfx_surface_state saved = dev->dst;
	int r = 0;

	while (r == 0 && off < end) {
		uint32_t rows = (end - off) / CLEAR_STRIDE;
		struct gfx_bo bo = { .offset = off, .width = CLEAR_STRIDE / 4, .stride = CLEAR_STRIDE,
				     .format = GFX_FMT_XRGB8888 };
		struct gfx_rect all;

		bo.height = rows > GFX_MAX_SURFACE_SIDE ? GFX_MAX_SURFACE_SIDE : rows;
		all = (struct gfx_rect){ 0, 0, bo.width, bo.height };
		r = gfx_set_dst(dev, &bo) ?: gfx_fill(dev, GFX_SRC, 0, &all, 1);
		off += bo.height * CLEAR_STRIDE;
	}
	if (saved.set && r == 0)
		r = gfx_emit_surface(dev, GFX_SURFACE_DST, &saved);
	dev->dst = saved;
	return r ?: gfx_finish(dev, 5000000000LL);
}

GFX_EXPORT int gfx_context_acquire(struct gfx_device *dev, struct gfx_context_handle *h)
{
	int r = require_umd_master(dev, 1);

	h->nfds = 0;
	if (r < 0)
		return r;
	if (!dev->be->export_context)
		return gfx_set_error(dev, -EOPNOTSUPP, "the %s backend cannot hand out contexts",
				     dev->backend);
	for (uint32_t ctx = 1; ctx < dev->context_count; ctx++) {
		if (dev->handed_out & (1u << ctx))
			continue;
		r = dev->be->export_context(dev->be, ctx, h, dev->err, sizeof(dev->err));
		if (r == -EBUSY)
			continue;	/* uio: someone still holds its node */
		if (r < 0)
			return r;
		r = quiesce_context(dev, ctx) ?: clear_window(dev, ctx);
		if (r < 0) {
			gfx_context_handle_close(h);
			return r;
		}
		dev->handed_out |= 1u << ctx;
		return 0;
	}
	return gfx_set_error(dev, -EBUSY, "all %u client contexts are in use", dev->context_count - 1);
}

GFX_EXPORT int gfx_context_release(struct gfx_device *dev, uint32_t ctx)
{
	int r = require_umd_master(dev, ctx);

	if (r < 0)
		return r;
	dev->handed_out &= ~(1u << ctx);
	/* Taken back first, so that its holder cannot start it again after the reset. */
	if (dev->be->revoke_context && (r = dev->be->revoke_context(dev->be, ctx)) < 0)
		return gfx_set_error(dev, r, "cannot take context %u back: %s (uio_gfx too old?)",
				     ctx, strerror(-r));
	return quiesce_context(dev, ctx);
}

GFX_EXPORT int gfx_context_reset(struct gfx_device *dev, uint32_t ctx)
{
	return require_umd_master(dev, ctx) ?: reset_context(dev, ctx);
}

GFX_EXPORT int gfx_context_info(struct gfx_device *dev, uint32_t ctx, struct gfx_context_info *info)
{
	const volatile struct gfx_ctx_entry *e;
	int r;

	if (dev->drv->context_info && !dev->lost)
		return dev->drv->context_info(dev, ctx, info);
	r = require_umd_master(dev, ctx);
	if (r < 0)
		return r;
	e = (const volatile struct gfx_ctx_entry *)(dev->regs + GFX_REG_CTX_TABLE) + ctx;
	info->fence_done = __atomic_load_n(&e->fence_done, __ATOMIC_ACQUIRE);
	info->window_offset = e->window_offset;
	info->window_size = e->window_size;
	info->status = e->status;
	info->error_code = e->error_code;
	info->error_count = e->error_count;
	info->reset_count = e->reset_count;
	return 0;
}

GFX_EXPORT void gfx_context_handle_close(struct gfx_context_handle *h)
{
	for (uint32_t i = 0; i < h->nfds && i < GFX_CONTEXT_MAX_FDS; i++)
		if (h->fds[i] >= 0)
			close(h->fds[i]);
	h->nfds = 0;
}

GFX_EXPORT int gfx_open_context(struct gfx_context_handle *h, struct gfx_device **out)
{
	struct gfx_backend *be = NULL;
	char err[256];
	int r;

	*out = NULL;
	if (h->nfds == 3)
		r = gfx_backend_direct_adopt(h, &be, err, sizeof(err));
	else if (h->nfds == 1)
		r = gfx_backend_uio_adopt(h, &be, err, sizeof(err));
	else {
		gfx_context_handle_close(h);
		return gfx_set_error(NULL, -EINVAL, "a context handle has 1 fd (uio) or 3 (direct), "
				     "not %u", h->nfds);
	}
	if (r < 0)
		return gfx_set_error(NULL, r, "context %u: %s", h->context, err);
	r = gfx_umd_open(be, out);
	return r;
}
