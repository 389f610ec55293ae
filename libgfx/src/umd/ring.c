/* SPDX-License-Identifier: MIT */
/*
 * ring.c - the command ring: setup, publishing the tail, backpressure.
 *
 * Commands are written by the encoders straight into the ring in VRAM at the
 * local tail; only gfx_submit() makes them visible to the device, with one
 * release store of RING_TAIL and one doorbell.
 */
#include <sched.h>

#include "internal.h"
#include "backend.h"

#define GFX_BACKPRESSURE_TIMEOUT_NS 10000000000LL

static uint32_t ring_free_words(struct gfx_device *dev)
{
	uint32_t head = (gfx_rd32(dev, GFX_REG_RING_HEAD) / 4) & dev->ring_mask;

	/* One word stays free so that head == tail means empty. */
	return (head - dev->tail - 1) & dev->ring_mask;
}

/* Point the device at our ring and continue from its head (after open or reset). */
void gfx_ring_restart(struct gfx_device *dev)
{
	uint32_t head;

	gfx_wr32(dev, GFX_REG_RING_BASE, dev->ring_offset);
	gfx_wr32(dev, GFX_REG_RING_SIZE, dev->ring_words * 4);
	head = (gfx_rd32(dev, GFX_REG_RING_HEAD) / 4) & dev->ring_mask;
	dev->tail = dev->published = head;
	dev->space = dev->ring_words - 1;
	gfx_wr32(dev, GFX_REG_RING_TAIL, head * 4);
	__atomic_fetch_or((uint32_t *)(dev->regs + GFX_REG_CONTROL), GFX_CTRL_RING_ENABLE,
			  __ATOMIC_SEQ_CST);
	dev->be->kick(dev->be);
}

int gfx_ring_init(struct gfx_device *dev)
{
	uint32_t bytes = GFX_RING_BYTES, off;
	int r;

	while (bytes > 4096 && bytes > dev->window_size / 8)
		bytes /= 2;
	r = gfx_alloc(dev, bytes, &off);
	if (r < 0)
		return gfx_set_error(dev, r, "no VRAM for the command ring");
	dev->ring_offset = off;
	dev->ring = (volatile uint32_t *)(dev->vram + off);
	dev->ring_words = bytes / 4;
	dev->ring_mask = dev->ring_words - 1;
	/* A command never needs more than a quarter of the ring. */
	if (dev->max_cmd_words == 0 || dev->max_cmd_words > dev->ring_words / 4)
		dev->max_cmd_words = dev->ring_words / 4;
	gfx_ring_restart(dev);
	return 0;
}

int umd_submit(struct gfx_device *dev)
{
	if (GFX_UNLIKELY(dev->lost))
		return -ENODEV;
	if (dev->tail == dev->published)
		return 0;
	/* Release: the command words are visible before the tail that covers them. */
	gfx_wr32(dev, GFX_REG_RING_TAIL, dev->tail * 4);
	dev->published = dev->tail;
	dev->be->kick(dev->be);
	return 0;
}

/*
 * Slow path of gfx_ring_reserve(): the cached free space ran out. Re-read the
 * head; if still short, submit, spin a little, then sleep on a fence
 * interrupt (emitting an IRQ fence into the reserve if none is in flight).
 */
int gfx_ring_wait_space(struct gfx_device *dev, uint64_t words)
{
	int64_t start, deadline;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return -ENODEV;
	if (words >= dev->ring_words)
		return gfx_set_error(dev, -EINVAL, "command of %llu words does not fit the ring",
				     (unsigned long long)words);
	dev->space = ring_free_words(dev);
	if (dev->space >= words)
		return 0;

	r = umd_submit(dev);
	if (r < 0)
		return r;
	start = gfx_now_ns();
	deadline = start + GFX_BACKPRESSURE_TIMEOUT_NS;
	for (;;) {
		dev->space = ring_free_words(dev);
		if (dev->space >= words)
			return 0;
		/* A stopped ring would never drain: recover it and go on. */
		gfx_check_ring_error(dev);
		if (gfx_now_ns() - start < GFX_SPIN_NS) {
			sched_yield();	/* the device's thread may share our CPU */
			continue;
		}
		if (gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), dev->last_irq_seqno)) {
			if (dev->space < GFX_FENCE_WORDS)
				continue;	/* cannot happen: the reserve keeps room */
			gfx_emit_fence(dev, true);
			umd_submit(dev);
			continue;
		}
		r = gfx_wait_irq(dev, deadline);
		if (r < 0)
			return r;
		if (r == 0 && gfx_now_ns() >= deadline)
			return gfx_set_error(dev, -ETIMEDOUT,
					     "ring full and the GPU made no progress for %lld ms: GPU hang? "
					     "(head 0x%x, tail 0x%x)",
					     GFX_BACKPRESSURE_TIMEOUT_NS / 1000000,
					     gfx_rd32(dev, GFX_REG_RING_HEAD), dev->tail * 4);
	}
}
