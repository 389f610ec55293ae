/* SPDX-License-Identifier: MIT */
/*
 * clock.c - device timestamps in the caller's CLOCK_MONOTONIC.
 *
 * The device stamps vblanks and flips with its own clock. Through the direct
 * backend that is this machine's CLOCK_MONOTONIC. Through uio in a guest it
 * is the host's, unrelated to the guest's. The uio backend gives the kernel's
 * ktime_get_ns() of each interrupt, so every VBLANK or FLIP_DONE interrupt is
 * a sample of (local - device), late by the interrupt latency. The median of
 * the last samples is the offset: its error is one typical interrupt latency,
 * as for DRM, whose vblank timestamps are also taken in the interrupt handler.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "backend.h"

static int compare_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The device time of the newest flip (FLIP_DONE) or vblank, 0 if none. */
static uint64_t newest_device_time(struct gfx_device *dev, uint32_t causes)
{
	uint64_t seq, t;

	if (causes & GFX_IRQ_FLIP_DONE) {
		const struct gfx_flip_entry *log =
			(const struct gfx_flip_entry *)(dev->regs + GFX_REG_FLIP_LOG);
		uint64_t n = gfx_rd64(dev, GFX_REG_FLIP_COUNT);
		const struct gfx_flip_entry *e = &log[n % GFX_LOG_ENTRIES];

		t = __atomic_load_n(&e->time_ns, __ATOMIC_ACQUIRE);
		return __atomic_load_n(&e->count, __ATOMIC_ACQUIRE) == n ? t : 0;
	}
	gfx_read_last_vblank(dev, &seq, &t);
	return t;
}

void gfx_clock_sample(struct gfx_device *dev, uint32_t causes, uint64_t irq_ns)
{
	int64_t sorted[GFX_CLOCK_SAMPLES];
	unsigned int n;
	uint64_t t;

	if (!irq_ns || !(causes & (GFX_IRQ_VBLANK | GFX_IRQ_FLIP_DONE)))
		return;
	t = newest_device_time(dev, causes);
	if (!t)
		return;
	dev->clock_samples[dev->clock_count++ % GFX_CLOCK_SAMPLES] = (int64_t)(irq_ns - t);
	n = dev->clock_count < GFX_CLOCK_SAMPLES ? dev->clock_count : GFX_CLOCK_SAMPLES;
	memcpy(sorted, dev->clock_samples, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), compare_s64);
	dev->clock_offset = sorted[n / 2];
}

uint64_t gfx_local_ns(const struct gfx_device *dev, uint64_t device_ns)
{
	return device_ns ? device_ns + (uint64_t)dev->clock_offset : 0;
}
