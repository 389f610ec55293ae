/* SPDX-License-Identifier: MIT */
/* display.c - flips and vblanks of the user-mode driver. */
#include "internal.h"
#include "backend.h"

/* A FLIP into the ring (api.c checked bo against the mode). The GPU scans bo out: no damage. */
int umd_flip(struct gfx_device *dev, const struct gfx_bo *bo, const struct gfx_rect *damage,
	     unsigned int n, uint64_t user_data)
{
	int r = gfx_ring_reserve(dev, GFX_FLIP_WORDS);

	if (r < 0)
		return r;
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_FLIP, 0, GFX_FLIP_WORDS));
	gfx_ring_put(dev, 1, bo->offset);
	gfx_ring_put(dev, 2, bo->width);
	gfx_ring_put(dev, 3, bo->height);
	gfx_ring_put(dev, 4, bo->stride);
	gfx_ring_put(dev, 5, bo->format);
	gfx_ring_put(dev, 6, (uint32_t)user_data);
	gfx_ring_put(dev, 7, (uint32_t)(user_data >> 32));
	gfx_ring_advance(dev, GFX_FLIP_WORDS);
	return 0;
}

int umd_emit_wait_vblank(struct gfx_device *dev)
{
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	r = gfx_ring_reserve(dev, GFX_WAIT_VBLANK_WORDS);
	if (r < 0)
		return r;
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_WAIT_VBLANK, 0, GFX_WAIT_VBLANK_WORDS));
	gfx_ring_advance(dev, GFX_WAIT_VBLANK_WORDS);
	return 0;
}

/* The newest vblank record: counter (acquire), entry, entry.seq re-checked. */
void gfx_read_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns)
{
	const struct gfx_vblank_entry *log =
		(const struct gfx_vblank_entry *)(dev->regs + GFX_REG_VBLANK_LOG);

	for (int tries = 0; tries < 100; tries++) {
		uint64_t n = gfx_rd64(dev, GFX_REG_VBLANK_SEQ);
		const struct gfx_vblank_entry *e = &log[n % GFX_LOG_ENTRIES];
		uint64_t s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		uint64_t t = __atomic_load_n(&e->time_ns, __ATOMIC_ACQUIRE);
		uint64_t s2 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);

		if ((s1 == n && s2 == n) || n == 0) {
			*seq = n;
			*time_ns = n == 0 ? 0 : t;
			return;
		}
	}
	*seq = gfx_rd64(dev, GFX_REG_VBLANK_SEQ);
	*time_ns = 0;
}

int umd_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns)
{
	uint64_t s, t;

	gfx_read_last_vblank(dev, &s, &t);
	if (seq)
		*seq = s;
	if (time_ns)
		*time_ns = gfx_local_ns(dev, t);
	return dev->lost ? gfx_lost(dev) : 0;
}

int umd_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns, int64_t timeout_ns)
{
	int64_t deadline = timeout_ns < 0 ? INT64_MAX : gfx_now_ns() + timeout_ns;
	uint64_t start, s, t;
	int r = 0;

	if (dev->lost)
		return gfx_lost(dev);
	/* The interrupt is on only while someone waits (like DRM's vblank refcount). */
	dev->vblank_refs++;
	gfx_irq_update(dev);
	start = gfx_rd64(dev, GFX_REG_VBLANK_SEQ);
	while (gfx_rd64(dev, GFX_REG_VBLANK_SEQ) == start) {
		if (gfx_now_ns() >= deadline) {
			r = gfx_set_error(dev, -ETIMEDOUT, "no vblank within %lld ms",
					  (long long)(timeout_ns / 1000000));
			break;
		}
		r = gfx_wait_irq(dev, deadline);
		if (r < 0)
			break;
		r = 0;
	}
	dev->vblank_refs--;
	gfx_irq_update(dev);
	if (r < 0)
		return r;
	gfx_read_last_vblank(dev, &s, &t);
	if (seq)
		*seq = s;
	if (time_ns)
		*time_ns = gfx_local_ns(dev, t);
	return 0;
}
