// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm: dma_fences for a user-mode queue's work (USERQ_SIGNAL,
 * include/gfx_drm.h), as amdgpu's user-queue fences. The queue's FENCE
 * commands are its process's own business; a dma_fence for one of them
 * lets other processes and the kernel wait on that work as on a SUBMIT's.
 *
 *   create   a fence for one of the queue's seqnos (they only go up), on
 *            the queue's dma_fence context, listed until signalled
 *   signal   every listed fence the context's FENCE_DONE (the master
 *            table's copy) reached: from the context's interrupt, and
 *            from gfx_drm_userq.c's poll while fences wait
 *   hung     the oldest fence is still unreached at its deadline: the
 *            poll takes the queue back (gfx_drm_userq.c)
 *   end      the queue's end, its context stopped: reached fences signal
 *            cleanly, the others with the end's error
 *
 * Every fence signals: at FENCE_DONE, or at the queue's end, which a hang
 * brings within DRM_GFX_USERQ_FENCE_TIMEOUT_MS plus a poll.
 *
 * Locks: the vector's lock (the interrupt) or userq_lock (ioctls, the
 * poll, revoke) -> gfx_userq.fence_lock (irq-safe) -> a fence's own lock.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include "gfx_drm_drv.h"

static const char *gfx_userq_fence_driver_name(struct dma_fence *fence)
{
	return GFX_DRM_NAME;
}

static const char *gfx_userq_fence_timeline_name(struct dma_fence *fence)
{
	return "userq";
}

/* Always signalled from the interrupt or the poll: no enable_signaling. */
static const struct dma_fence_ops gfx_userq_fence_ops = {
	.use_64bit_seqno = true,
	.get_driver_name = gfx_userq_fence_driver_name,
	.get_timeline_name = gfx_userq_fence_timeline_name,
};

void gfx_userq_fences_init(struct gfx_userq *q)
{
	spin_lock_init(&q->fence_lock);
	INIT_LIST_HEAD(&q->fences);
	q->fence_context = dma_fence_context_alloc(1);
}

static bool gfx_userq_passed(u64 done, u64 seqno)
{
	return (s64)(done - seqno) >= 0;
}

/* Under fence_lock: f leaves the list, signalled with error (0: none). */
static void gfx_userq_fence_retire(struct gfx_userq *q, struct gfx_userq_fence *f, int error)
{
	if (error)
		dma_fence_set_error(&f->base, error);
	dma_fence_signal(&f->base);
	list_del(&f->link);
	WRITE_ONCE(q->fence_count, q->fence_count - 1);	/* read unlocked: _pending() */
	dma_fence_put(&f->base);	/* the list's reference */
}

/* Any context: every fence done reached signals. */
void gfx_userq_fences_signal(struct gfx_userq *q, u64 done)
{
	struct gfx_userq_fence *f, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&q->fence_lock, flags);
	list_for_each_entry_safe(f, tmp, &q->fences, link) {
		if (!gfx_userq_passed(done, f->base.seqno))
			break;		/* in seqno order */
		gfx_userq_fence_retire(q, f, 0);
	}
	spin_unlock_irqrestore(&q->fence_lock, flags);
}

/*
 * Under userq_lock, for a live queue: a fence for seqno, referenced for the
 * caller, and listed unless FENCE_DONE already reached it. The interrupt
 * may have come before the fence was listed: FENCE_DONE is read after.
 */
struct dma_fence *gfx_userq_fence_create(struct gfx_userq *q, u64 seqno)
{
	const struct gfx_ctx_entry __iomem *table = q->dev->reg + GFX_REG_CTX_TABLE;
	struct gfx_userq_fence *f;
	unsigned long flags;

	lockdep_assert_held(&q->dev->userq_lock);
	if ((s64)(seqno - q->fence_last) < 0)
		return ERR_PTR(-EINVAL);
	if (READ_ONCE(q->fence_count) >= DRM_GFX_USERQ_MAX_FENCES)
		return ERR_PTR(-EBUSY);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&f->lock);
	dma_fence_init(&f->base, &gfx_userq_fence_ops, &f->lock, q->fence_context, seqno);
	f->deadline = jiffies + msecs_to_jiffies(DRM_GFX_USERQ_FENCE_TIMEOUT_MS);
	q->fence_last = seqno;
	dma_fence_get(&f->base);	/* the list's */
	spin_lock_irqsave(&q->fence_lock, flags);
	list_add_tail(&f->link, &q->fences);
	WRITE_ONCE(q->fence_count, q->fence_count + 1);
	spin_unlock_irqrestore(&q->fence_lock, flags);
	gfx_userq_fences_signal(q, readq(&table[q->id].fence_done));
	return &f->base;
}

/* Any fence listed; unlocked: a fence listed after this is checked by its creator. */
bool gfx_userq_fences_pending(struct gfx_userq *q)
{
	return READ_ONCE(q->fence_count) > 0;
}

/* The oldest unreached fence is past its deadline. */
bool gfx_userq_fences_hung(struct gfx_userq *q)
{
	struct gfx_userq_fence *f;
	unsigned long flags;
	bool hung;

	spin_lock_irqsave(&q->fence_lock, flags);
	f = list_first_entry_or_null(&q->fences, struct gfx_userq_fence, link);
	hung = f && time_after(jiffies, f->deadline);
	spin_unlock_irqrestore(&q->fence_lock, flags);
	return hung;
}

/* The queue's end, its context stopped: fences done reached signal cleanly, the rest with error. */
void gfx_userq_fences_end(struct gfx_userq *q, u64 done, int error)
{
	struct gfx_userq_fence *f, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&q->fence_lock, flags);
	list_for_each_entry_safe(f, tmp, &q->fences, link)
		gfx_userq_fence_retire(q, f, gfx_userq_passed(done, f->base.seqno) ? 0 : error);
	spin_unlock_irqrestore(&q->fence_lock, flags);
}
