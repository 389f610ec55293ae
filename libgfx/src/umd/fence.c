/* SPDX-License-Identifier: MIT */
/*
 * fence.c - fences, waiting for them, ring error recovery and reset.
 *
 * A wait reads FENCE_DONE first, spins about one device wake-up, and only
 * then sleeps on the interrupt fd: most waits for short work end in the spin.
 * Where spins keep missing (long work), waits sleep at once for a while.
 */
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include "internal.h"
#include "backend.h"

/* A FENCE command for seq; the caller made room for GFX_FENCE_WORDS. */
static void put_fence(struct gfx_device *dev, uint64_t seq, bool irq)
{
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_FENCE, irq ? GFX_FENCE_IRQ : 0, GFX_FENCE_WORDS));
	gfx_ring_put(dev, 1, (uint32_t)seq);
	gfx_ring_put(dev, 2, (uint32_t)(seq >> 32));
	gfx_ring_advance(dev, GFX_FENCE_WORDS);
	dev->unfenced = false;
	if (irq)
		dev->last_irq_seqno = seq;
}

/* The caller made room for GFX_FENCE_WORDS. */
uint64_t gfx_emit_fence(struct gfx_device *dev, bool irq)
{
	uint64_t seq = ++dev->last_seqno;

	if (GFX_UNLIKELY(seq == 0))
		seq = ++dev->last_seqno;	/* 0 means "no fence" */
	put_fence(dev, seq, irq);
	return seq;
}

int umd_fence(struct gfx_device *dev, bool irq, uint64_t *seqno)
{
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return -ENODEV;
	r = gfx_ring_reserve(dev, GFX_FENCE_WORDS);
	if (r < 0)
		return r;
	uint64_t seq = gfx_emit_fence(dev, irq);
	if (seqno)
		*seqno = seq;
	return 0;
}

bool umd_fence_done(struct gfx_device *dev, uint64_t seqno)
{
	return gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno);
}

/*
 * If the ring stopped on a bad command since we last looked: record it for
 * gfx_last_error() and gfx_dispatch(), and skip the command so the rest of
 * the batch runs. Returns -EIO if there was one, else 0.
 */
int gfx_check_ring_error(struct gfx_device *dev)
{
	uint32_t count = gfx_rd32(dev, GFX_REG_ERROR_COUNT);
	uint32_t code, offset;

	if (GFX_LIKELY(count == dev->seen_error_count))
		return 0;
	code = gfx_rd32(dev, GFX_REG_ERROR_CODE);
	offset = gfx_rd32(dev, GFX_REG_ERROR_OFFSET);
	dev->seen_error_count = count;
	if (dev->errors_n < GFX_MAX_PENDING_ERRORS) {
		dev->errors[dev->errors_n].code = code;
		dev->errors[dev->errors_n].offset = offset;
		dev->errors_n++;
	}
	/*
	 * One new error is one stopped command: skip it. (Not gated on
	 * STATUS.RING_ERROR, which the device may raise just after the count;
	 * a SKIP without an error is a no-op.)
	 */
	if (code == GFX_ERR_BAD_RING) {
		/* Someone scribbled on the ring registers: restore ours, then skip. */
		gfx_wr32(dev, GFX_REG_RING_BASE, dev->ring_offset);
		gfx_wr32(dev, GFX_REG_RING_SIZE, dev->ring_words * 4);
		gfx_wr32(dev, GFX_REG_RING_TAIL, dev->published * 4);
	}
	__atomic_fetch_or((uint32_t *)(dev->regs + GFX_REG_CONTROL), GFX_CTRL_SKIP, __ATOMIC_SEQ_CST);
	dev->be->kick(dev->be);
	gfx_note_causes(dev, GFX_IRQ_ERROR);
	return gfx_set_error(dev, -EIO, "bad command at ring offset 0x%x: %s", offset,
			     gfx_error_name(code));
}

/*
 * Sleep on the backend's fd until an interrupt, the deadline or at most
 * GFX_POLL_SLICE_NS. Returns 1 after an interrupt (causes noted for
 * gfx_dispatch), 0 without one, -ENODEV when the device is gone.
 */
int gfx_wait_irq(struct gfx_device *dev, int64_t deadline_ns)
{
	struct pollfd pfd = { .fd = dev->be->poll_fd, .events = POLLIN };
	int64_t left = deadline_ns - gfx_now_ns();
	struct timespec ts;
	uint64_t irq_ns;
	int r;

	if (left < 0)
		left = 0;
	/* Re-check the registers now and then: an interrupt may be lost or late. */
	if (left > GFX_POLL_SLICE_NS)
		left = GFX_POLL_SLICE_NS;
	ts.tv_sec = left / 1000000000LL;
	ts.tv_nsec = left % 1000000000LL;
	r = ppoll(&pfd, 1, &ts, NULL);
	if (r < 0)
		return errno == EINTR ? 1 : -errno;
	if (r == 0)
		return 0;
	r = dev->be->take_irq(dev->be, &irq_ns);
	if (r < 0)
		return gfx_lost(dev);
	gfx_note_causes(dev, (uint32_t)r);
	gfx_clock_sample(dev, (uint32_t)r, irq_ns);
	return 1;
}

/*
 * The spin phase of a wait: true once seqno passed, false after GFX_SPIN_NS.
 *
 * The device's command processor is a thread that may well share our CPU
 * (two CPUs, other work on them), so the spin hands the CPU over after
 * every second look: sched_yield() runs the device's thread if it waits for
 * this CPU, and returns at once if nothing else does. Measured on the 2-CPU
 * development machine with one CPU taken by other work (gfx-bench's
 * fence_roundtrip loop and its eventfd ping-pong, interleaved in one run),
 * as a multiple of the ping-pong: a pure pause loop for 50 us 8x (it kept
 * the device's thread off the CPU for the whole spin), blocking at once
 * 1.6x (ppoll + read on top of the ping-pong's two wake-ups), 64 pauses
 * between yields (the old spin) 1.45x, two looks between yields 1.08x.
 * With the other CPU free the spin ends in 0.4-0.6 us either way.
 */
static bool spin_wait(struct gfx_device *dev, uint64_t seqno, int64_t start)
{
	do {
		if (gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno))
			return true;
		gfx_cpu_relax();
		if (gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno))
			return true;
		sched_yield();
	} while (gfx_now_ns() - start < GFX_SPIN_NS);
	return gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno);
}

/*
 * Spin only where spinning has been paying. Work longer than the spin (a
 * batch of 100 fills, a full-screen blend) makes every spin a loss of
 * GFX_SPIN_NS of CPU before the sleep; measured in the VM, that put a
 * waiter of 100-fill batches at 1.11-1.17x the DRM path's CPU, whose wait
 * sleeps at once. So after two spins in a row that missed, the next 2, 4,
 * ... GFX_SPIN_SKIP_MAX waits sleep at once; one spin that hits resets it.
 * A workload that changes is re-learned within GFX_SPIN_SKIP_MAX waits.
 */
static bool spin_worth_it(struct gfx_device *dev)
{
	if (!dev->spin_skips)
		return true;
	dev->spin_skips--;
	return false;
}

static void spin_result(struct gfx_device *dev, bool hit)
{
	uint32_t backoff;

	if (hit) {
		dev->spin_misses = 0;
		return;
	}
	if (++dev->spin_misses < 2)
		return;
	backoff = dev->spin_misses < 7 ? 1u << (dev->spin_misses - 1) : GFX_SPIN_SKIP_MAX;
	dev->spin_skips = backoff < GFX_SPIN_SKIP_MAX ? backoff : GFX_SPIN_SKIP_MAX;
}

int umd_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns)
{
	int64_t start, deadline;
	int r;

	if (gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno))
		return 0;
	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (!gfx_seqno_passed(dev->last_seqno, seqno))
		return gfx_set_error(dev, -EINVAL, "fence %llu was never emitted",
				     (unsigned long long)seqno);
	r = umd_submit(dev);
	if (r < 0)
		return r;

	start = gfx_now_ns();
	deadline = timeout_ns < 0 ? INT64_MAX : start + timeout_ns;
	if (timeout_ns != 0 && spin_worth_it(dev)) {
		bool hit = spin_wait(dev, seqno, start);

		spin_result(dev, hit);
		if (hit)
			return 0;
	}

	if (timeout_ns == 0) {	/* a poll: report, do not emit anything */
		r = gfx_check_ring_error(dev);
		return r < 0 ? r : gfx_set_error(dev, -ETIMEDOUT, "fence %llu has not signalled yet",
						 (unsigned long long)seqno);
	}
	/* Sleeping needs an interrupt at or after this fence. */
	if (!gfx_seqno_passed(dev->last_irq_seqno, seqno)) {
		r = gfx_ring_reserve(dev, GFX_FENCE_WORDS);
		if (r < 0)
			return r;
		gfx_emit_fence(dev, true);
		umd_submit(dev);
	}
	for (;;) {
		if (gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno))
			return 0;
		r = gfx_check_ring_error(dev);
		if (r < 0)
			return r;
		if (gfx_now_ns() >= deadline)
			break;
		r = gfx_wait_irq(dev, deadline);
		if (r < 0)
			return r;
	}
	if (gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno))
		return 0;
	return gfx_set_error(dev, -ETIMEDOUT,
			     "fence %llu did not signal within %lld ms: GPU hang "
			     "(fence done %llu, head 0x%x, tail 0x%x)",
			     (unsigned long long)seqno, (long long)(timeout_ns / 1000000),
			     (unsigned long long)gfx_rd64(dev, GFX_REG_FENCE_DONE),
			     gfx_rd32(dev, GFX_REG_RING_HEAD), dev->published * 4);
}

int umd_reset(struct gfx_device *dev)
{
	uint32_t before = gfx_rd32(dev, GFX_REG_RESET_COUNT);
	int64_t deadline = gfx_now_ns() + GFX_RESET_TIMEOUT_NS;
	int r;

	if (dev->lost)
		return gfx_lost(dev);
	__atomic_fetch_or((uint32_t *)(dev->regs + GFX_REG_CONTROL), GFX_CTRL_RESET,
			  __ATOMIC_SEQ_CST);
	dev->be->kick(dev->be);
	while (gfx_rd32(dev, GFX_REG_RESET_COUNT) == before) {
		if (gfx_now_ns() >= deadline)
			return gfx_set_error(dev, -ETIMEDOUT, "GPU reset did not complete within %lld ms",
					     GFX_RESET_TIMEOUT_NS / 1000000);
		/* The reset raises no interrupt: poll, but notice a lost device. */
		r = gfx_wait_irq(dev, gfx_now_ns() + 1000000);
		if (r < 0)
			return r;
	}
	dev->seen_error_count = gfx_rd32(dev, GFX_REG_ERROR_COUNT);
	gfx_ring_restart(dev);

	/* The device forgot its surfaces; restate ours. */
	if (dev->dst.set && (r = gfx_emit_surface(dev, GFX_SURFACE_DST, &dev->dst)) < 0)
		return r;
	if (dev->src.set && (r = gfx_emit_surface(dev, GFX_SURFACE_SRC, &dev->src)) < 0)
		return r;

	/* Complete every fence emitted before the reset. */
	r = gfx_ring_reserve(dev, GFX_FENCE_WORDS);
	if (r < 0)
		return r;
	put_fence(dev, dev->last_seqno, true);
	return umd_submit(dev);
}
