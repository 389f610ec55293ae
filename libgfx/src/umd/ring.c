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
 * The writer's low-water mark: once the ring is full, wait until this
 * share of it is free, not just one command's words. Waiting for one
 * command kept a pipelined writer in step with the device: each wait found
 * a few words freed after a yield, so it spun at the device's pace (on uio,
 * 17 of its process's 21 % of samples were sched_yield: 1000-fill batches,
 * make bench-vm's pipe profile). Three quarters stay queued meanwhile, so
 * the device never runs dry while the writer sleeps.
 */
#define GFX_RING_REFILL_DIV	4

/*
 * The sleep of a ring-space wait, after its spin: as long as the device
 * frees words, for the time it takes at the rate it freed them so far (as
 * the block layer's hybrid polling sleeps for an expected completion);
 * else on a fence interrupt, emitting an IRQ fence into the reserve if none
 * is in flight. Returns 0 to look again, or an error.
 */
static int ring_doze(struct gfx_device *dev, uint32_t want, uint32_t freed, int64_t waited_ns,
		     int64_t deadline)
{
	if (freed > 0) {
		int64_t ns = (int64_t)((double)(want - dev->space) * waited_ns / freed);
		struct timespec ts = { 0, ns < GFX_POLL_SLICE_NS ? ns : GFX_POLL_SLICE_NS };

		nanosleep(&ts, NULL);
		return 0;
	}
	if (gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), dev->last_irq_seqno)) {
		if (dev->space >= GFX_FENCE_WORDS) {	/* the reserve keeps room */
			gfx_emit_fence(dev, true);
			umd_submit(dev);
		}
		return 0;
	}
	int r = gfx_wait_irq(dev, deadline);

	if (r < 0)
		return r;
	if (r == 0 && gfx_now_ns() >= deadline)
		return gfx_set_error(dev, -ETIMEDOUT,
				     "ring full and the GPU made no progress for %lld ms: GPU hang? "
				     "(head 0x%x, tail 0x%x)", GFX_BACKPRESSURE_TIMEOUT_NS / 1000000,
				     gfx_rd32(dev, GFX_REG_RING_HEAD), dev->tail * 4);
	return 0;
}

/*
 * Slow path of gfx_ring_reserve(): the cached free space ran out. Re-read the
 * head; if still short, submit, then wait for the low-water mark: spin a
 * little, then sleep (ring_doze). The hang timeout counts from the device's
 * last progress.
 */
int gfx_ring_wait_space(struct gfx_device *dev, uint64_t words)
{
	uint32_t want, first, freed;
	int64_t start, progress;
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
	want = dev->ring_words / GFX_RING_REFILL_DIV;
	if (want < words)
		want = (uint32_t)words;
	first = dev->space;
	start = progress = gfx_now_ns();
	for (;;) {
		uint32_t before = dev->space;
		int64_t now;

		dev->space = ring_free_words(dev);
		if (dev->space >= want)
			return 0;
		now = gfx_now_ns();
		if (dev->space != before)
			progress = now;
		/* A stopped ring would never drain: recover it and go on. */
		gfx_check_ring_error(dev);
		if (now - start < GFX_SPIN_NS) {
			sched_yield();	/* the device's thread may share our CPU */
			continue;
		}
		/* Freed lately: a rate to sleep by; else wait for an interrupt. */
		freed = now - progress < GFX_SPIN_NS && dev->space > first ? dev->space - first : 0;
		r = ring_doze(dev, want, freed, now - start, progress + GFX_BACKPRESSURE_TIMEOUT_NS);
		if (r < 0)
			return r;
	}
}
