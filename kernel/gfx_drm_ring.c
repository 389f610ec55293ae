// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm: the kernel-owned ring: jobs and their fences, device
 * errors, hangcheck and reset.
 *
 * A job in the ring is SET_CLIP n=0 (no clip crosses from one job to the
 * next), the validated user stream, and FENCE|IRQ with the job's seqno.
 * Ring positions are u64 byte counts that never wrap; the ring offset is
 * the position modulo GFX_RING_SIZE. The device copies each command before
 * it executes it (docs/hardware.md section 6), so once a FENCE has
 * completed or a FLIP has latched, the ring up to it may be overwritten:
 * `retired` is the end of the newest completed job or flip.
 */
#include <linux/iopoll.h>
#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>
#include "gfx_drm_drv.h"

static u32 gfx_ring_space(struct gfx_dev *g)
{
	return GFX_RING_SIZE - 4 - (u32)(READ_ONCE(g->tail) - READ_ONCE(g->retired));
}

/*
 * The one way into the ring. gfx_ring_begin() returns 0 with ring_lock
 * held, room for `words` and the device entered (drm_dev_enter), or an
 * error with nothing held; gfx_ring_end() hands what was written to the
 * device and lets go. The wait for room happens without the lock, so that
 * the hang recovery, which frees room, can take it.
 */
int gfx_ring_begin(struct gfx_dev *g, u32 words, bool intr)
{
	u32 need = words * 4;
	int ret = 0;

	for (;;) {
		if (intr && mutex_lock_interruptible(&g->ring_lock))
			return -ERESTARTSYS;
		if (!intr)
			mutex_lock(&g->ring_lock);
		if (g->gone || !drm_dev_enter(&g->drm, &g->ring_idx)) {
			mutex_unlock(&g->ring_lock);
			return -ENODEV;
		}
		if (gfx_ring_space(g) >= need)
			return 0;
		gfx_fence_irq_get(g);		/* jobs free room: hear of them */
		gfx_poll_fences(g);		/* those done while it was off */
		drm_dev_exit(g->ring_idx);
		mutex_unlock(&g->ring_lock);
		if (intr)
			ret = wait_event_interruptible(g->wq, gfx_ring_space(g) >= need ||
						       READ_ONCE(g->gone));
		else
			wait_event(g->wq, gfx_ring_space(g) >= need || READ_ONCE(g->gone));
		gfx_fence_irq_put(g);
		if (ret)
			return ret;
	}
}

static void gfx_progress(struct gfx_dev *g, u64 *fence, u32 *head, u64 *flips)
{
	*fence = gfx_rd64(g, GFX_REG_FENCE_DONE);
	*head = gfx_rd(g, GFX_REG_RING_HEAD);
	*flips = gfx_rd64(g, GFX_REG_FLIP_COUNT);
}

/* Under ring_lock, after publishing: watch the device while work is queued. */
static void gfx_hangcheck_arm(struct gfx_dev *g)
{
	if (READ_ONCE(g->hc_armed))
		return;		/* the common case: the device is busy already */
	spin_lock_irq(&g->lock);
	if (!g->hc_armed) {
		g->hc_armed = true;
		gfx_progress(g, &g->hc_fence, &g->hc_head, &g->hc_flips);
		queue_delayed_work(system_wq, &g->hangcheck, GFX_HANGCHECK);
	}
	spin_unlock_irq(&g->lock);
}

/* Hand what was written to the device. Under ring_lock. */
static void gfx_ring_publish(struct gfx_dev *g)
{
	wmb();	/* the commands before the tail that covers them */
	gfx_wr(g, GFX_REG_RING_TAIL, g->tail & (GFX_RING_SIZE - 1));
	gfx_kick(g);
	gfx_hangcheck_arm(g);
}

void gfx_ring_end(struct gfx_dev *g)
{
	gfx_ring_publish(g);
	drm_dev_exit(g->ring_idx);
	mutex_unlock(&g->ring_lock);
}

void gfx_ring_write(struct gfx_dev *g, const u32 *words, u32 n)
{
	u32 off = g->tail & (GFX_RING_SIZE - 1);
	u32 first = min_t(u32, n * 4, GFX_RING_SIZE - off);

	memcpy_toio(g->ring + off, words, first);
	if (first < n * 4)
		memcpy_toio(g->ring, (const u8 *)words + first, n * 4 - first);
	WRITE_ONCE(g->tail, g->tail + n * 4);
}

struct gfx_job *gfx_job_alloc(struct gfx_dev *g, struct gfx_file *file, u32 bo_count)
{
	struct gfx_job *job = kzalloc(struct_size(job, bos, bo_count), GFP_KERNEL);

	if (!job)
		return NULL;
	spin_lock_init(&job->fence_lock);
	job->dev = g;
	if (file) {
		kref_get(&file->ref);
		job->file = file;
	}
	return job;
}

/* A job that never reached the ring. */
void gfx_job_free(struct gfx_job *job)
{
	for (unsigned int i = 0; i < job->bo_count; i++)
		drm_gem_object_put(job->bos[i]);
	if (job->file)
		gfx_file_put(job->file);
	kfree(job);
}

/* In a ring section with room for GFX_JOB_WORDS(words): the job's prologue. */
void gfx_job_begin(struct gfx_dev *g, struct gfx_job *job, u32 words)
{
	static const u32 noclip = GFX_CMD(GFX_OP_SET_CLIP, 0, 1);

	job->words = words;
	job->begin = g->tail;
	gfx_ring_write(g, &noclip, 1);
	job->start = g->tail;
}

/*
 * After the job's `words` were written: its fence, in the ring and in the
 * pending list. The caller ends the ring section after adding the fence
 * to the buffers, since from then on the job may retire and drop them.
 */
void gfx_job_end(struct gfx_dev *g, struct gfx_job *job)
{
	u64 seqno = g->seqno + 1;
	const u32 fence[GFX_FENCE_WORDS] = {
		GFX_CMD(GFX_OP_FENCE, GFX_FENCE_IRQ, GFX_FENCE_WORDS),
		lower_32_bits(seqno), upper_32_bits(seqno),
	};

	dma_fence_init(&job->fence, &gfx_fence_ops, &job->fence_lock, g->fence_context, seqno);
	gfx_ring_write(g, fence, GFX_FENCE_WORDS);
	job->end = g->tail;
	dma_fence_get(&job->fence);	/* the pending list's; gfx_retire() drops it */
	spin_lock_irq(&g->lock);
	list_add_tail(&job->link, &g->pending);
	spin_unlock_irq(&g->lock);
	WRITE_ONCE(g->seqno, seqno);
}

/*
 * Something was added to an empty retire or put list: put what it holds
 * within GFX_RETIRE_DELAY. The work is pending only while a list holds
 * something (gfx_retire() cancels it when it empties them itself).
 */
static void gfx_retire_arm(struct gfx_dev *g)
{
	queue_delayed_work(system_wq, &g->retire_work, GFX_RETIRE_DELAY);
}

/* Under lock: the job left the ring (completed, or dropped by a reset). */
static void gfx_job_signal(struct gfx_dev *g, struct gfx_job *job)
{
	struct gfx_file *f = job->file;

	list_del(&job->link);
	if (job->err_code && f) {
		f->err[f->next % GFX_FILE_ERRORS].seqno = job->fence.seqno;
		f->err[f->next % GFX_FILE_ERRORS].code = job->err_code;
		f->err[f->next % GFX_FILE_ERRORS].word = job->err_word;
		f->next++;
	}
	WRITE_ONCE(g->retired, max(g->retired, job->end));
	WRITE_ONCE(g->seqno_done, job->fence.seqno);
	gfx_fence_page_write(g, job);
	dma_fence_signal(&job->fence);
	gfx_fence_signalled(g, job);
	if (llist_add(&job->retire, &g->retire_list))
		gfx_retire_arm(g);	/* the first job to retire since the last retire */
}

static bool gfx_fences_process(struct gfx_dev *g)
{
	u64 done = gfx_rd64(g, GFX_REG_FENCE_DONE);
	struct gfx_job *job, *tmp;
	bool any = false;

	list_for_each_entry_safe(job, tmp, &g->pending, link) {
		if ((s64)(done - job->fence.seqno) < 0)
			break;
		gfx_job_signal(g, job);
		any = true;
	}
	return any;
}

/*
 * Under lock: the ring stopped on a command the device rejected. Blame
 * the job whose user stream holds it (-EIO, code and word for WAIT) and
 * skip the command: the job and the ones behind it carry on.
 */
static bool gfx_errors_process(struct gfx_dev *g)
{
	u32 status = gfx_rd(g, GFX_REG_STATUS), count, code, off;
	struct gfx_job *job;

	if (status == ~0u || !(status & GFX_STATUS_RING_ERROR))
		return false;
	count = gfx_rd(g, GFX_REG_ERROR_COUNT);
	if (count == g->errors_seen)
		return false;	/* handled; our SKIP is on its way */
	g->errors_seen = count;
	WRITE_ONCE(g->errors, g->errors + 1);
	code = gfx_rd(g, GFX_REG_ERROR_CODE);
	off = gfx_rd(g, GFX_REG_ERROR_OFFSET);
	list_for_each_entry(job, &g->pending, link) {
		u32 d = (off - (u32)job->start) & (GFX_RING_SIZE - 1);

		if (d >= job->words * 4)
			continue;
		if (!job->err_code) {
			job->err_code = code;
			job->err_word = d / 4;
			dma_fence_set_error(&job->fence, -EIO);
		}
		goto skip;
	}
	drm_err_ratelimited(&g->drm, "device error %u at ring offset %#x, outside any job\n",
			    code, off);
skip:
	gfx_control(g, GFX_CTRL_SKIP, 0);
	gfx_kick(g);
	return true;
}

/* Jobs signalled: wake WAIT and ring-space waiters (gfx_retire_arm puts what they held). */
static void gfx_jobs_signalled(struct gfx_dev *g)
{
	wake_up_all(&g->wq);
}

/*
 * From the interrupt and the hangcheck: act on every counter that moved.
 * True if a stopped ring was told to skip a rejected command.
 */
bool gfx_poll(struct gfx_dev *g)
{
	struct drm_pending_vblank_event *event = NULL;
	unsigned long flags;
	bool vblank = false, done, skipped;

	spin_lock_irqsave(&g->lock, flags);
	skipped = gfx_errors_process(g);
	done = gfx_fences_process(g);
	done |= gfx_flips_process(g, &event, &vblank);
	spin_unlock_irqrestore(&g->lock, flags);
	if (done)
		gfx_jobs_signalled(g);
	gfx_flip_finish(g, event, vblank);
	return skipped;
}

/*
 * Process context (WAIT's look before it sleeps): signal the jobs FENCE_DONE
 * has passed. Flips stay the interrupt's, whose VBLANK is handled first: a
 * flip completed here could carry the previous vblank's count and time.
 */
void gfx_poll_fences(struct gfx_dev *g)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&g->lock, flags);
	done = gfx_fences_process(g);
	spin_unlock_irqrestore(&g->lock, flags);
	if (done)
		gfx_jobs_signalled(g);
}

/*
 * Drops what signalled jobs and old scanouts held (a put may free: not in the
 * interrupt). SUBMIT calls it first, so a busy client retires its own jobs;
 * otherwise a work item does, at most every GFX_RETIRE_DELAY.
 */
void gfx_retire(struct gfx_dev *g)
{
	struct llist_node *jobs, *bos;
	struct gfx_job *job, *jn;
	struct gfx_bo *bo, *bn;

	if (llist_empty(&g->retire_list) && llist_empty(&g->put_list))
		return;
	/*
	 * Disarm before emptying: what is added from here on either lands in
	 * what we take below or finds an empty list and arms the work again.
	 */
	cancel_delayed_work(&g->retire_work);
	jobs = llist_del_all(&g->retire_list);
	bos = llist_del_all(&g->put_list);

	llist_for_each_entry_safe(job, jn, jobs, retire) {
		for (unsigned int i = 0; i < job->bo_count; i++)
			drm_gem_object_put(job->bos[i]);
		if (job->file)
			gfx_file_put(job->file);
		dma_fence_put(&job->fence);
	}
	llist_for_each_entry_safe(bo, bn, bos, put) {
		/* Off the list: from here a new put_later queues it again. */
		for (int n = atomic_xchg(&bo->puts, 0); n > 0; n--)
			drm_gem_object_put(&bo->base);
	}
}

/* Any context: drop the reference bo's scanout held, from gfx_retire(). */
void gfx_bo_put_later(struct gfx_dev *g, struct gfx_bo *bo)
{
	if (atomic_inc_return(&bo->puts) == 1 && llist_add(&bo->put, &g->put_list))
		gfx_retire_arm(g);
}

static void gfx_retire_work(struct work_struct *work)
{
	gfx_retire(container_of(to_delayed_work(work), struct gfx_dev, retire_work));
}

static int gfx_engine_reset(struct gfx_dev *g)
{
	u32 count = gfx_rd(g, GFX_REG_RESET_COUNT), now;

	gfx_control(g, GFX_CTRL_RESET, 0);
	gfx_kick(g);
	return read_poll_timeout(gfx_rd, now, now != count, 50, USEC_PER_SEC, false,
				 g, GFX_REG_RESET_COUNT);
}

/*
 * Under ring_lock and lock, after the reset: the guilty job leaves with
 * DRM_GFX_ERR_HANG, unless it finished in the meantime.
 */
static void gfx_drop_guilty(struct gfx_dev *g, struct gfx_job *guilty, u64 resume)
{
	if (!test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &guilty->fence.flags)) {
		guilty->err_code = DRM_GFX_ERR_HANG;
		guilty->err_word = 0;
		dma_fence_set_error(&guilty->fence, -EIO);
		gfx_job_signal(g, guilty);
	}
	WRITE_ONCE(g->retired, max(g->retired, resume));
}

/*
 * The engine made no progress for GFX_HANGCHECK. The job the ring head is
 * in is guilty; everything behind it is innocent and stays queued: RESET
 * moves RING_HEAD to RING_TAIL, so the tail is set to the end of the
 * guilty job for the reset and put back after it, and the device carries
 * on from there (each job sets its own engine state). A FLIP behind the
 * head runs again the same way; one already handed to the display
 * controller survives the reset. The kernel's own clears are never guilty.
 */
static void gfx_recover(struct gfx_dev *g)
{
	struct gfx_job *job, *guilty = NULL;
	u64 resume;
	int ret;

	if (gfx_ring_begin(g, 0, false))
		return;		/* unbound */
	gfx_poll(g);
	resume = g->tail - (((u32)g->tail - gfx_rd(g, GFX_REG_RING_HEAD)) & (GFX_RING_SIZE - 1));
	spin_lock_irq(&g->lock);
	list_for_each_entry(job, &g->pending, link) {
		if (resume >= job->begin && resume < job->end && job->file)
			guilty = job;
	}
	if (guilty) {
		resume = guilty->end;
		dma_fence_get(&guilty->fence);
	}
	spin_unlock_irq(&g->lock);

	gfx_wr(g, GFX_REG_RING_TAIL, resume & (GFX_RING_SIZE - 1));
	ret = gfx_engine_reset(g);
	spin_lock_irq(&g->lock);
	WRITE_ONCE(g->hangs, g->hangs + 1);
	if (guilty)
		gfx_drop_guilty(g, guilty, resume);
	spin_unlock_irq(&g->lock);
	gfx_jobs_signalled(g);
	gfx_ring_end(g);	/* the jobs behind the guilty one, and the hangcheck re-armed */
	drm_warn(&g->drm, "engine hung: reset%s, %s\n", ret ? " (not acknowledged)" : "",
		 guilty ? "its job dropped, the ones behind it resumed" : "the ring resumed");
	if (guilty)
		dma_fence_put(&guilty->fence);
}

static void gfx_hangcheck_work(struct work_struct *work)
{
	struct gfx_dev *g = container_of(to_delayed_work(work), struct gfx_dev, hangcheck);
	bool busy, stuck, skipped;
	u64 fence, flips;
	u32 head;
	int idx;

	if (!drm_dev_enter(&g->drm, &idx))
		return;
	/*
	 * The backstop for lost interrupts. A flip it completes must carry the
	 * vblank it latched at, so account for that vblank first, as the
	 * interrupt does (the exact hardware counter makes this a no-op when
	 * the interrupt already did).
	 */
	if (READ_ONCE(g->flip.queued))
		drm_crtc_handle_vblank(&g->crtc);
	skipped = gfx_poll(g);
	spin_lock_irq(&g->lock);
	gfx_progress(g, &fence, &head, &flips);
	busy = !list_empty(&g->pending) || g->flip.queued;
	stuck = busy && !skipped && fence == g->hc_fence && head == g->hc_head &&
		flips == g->hc_flips;
	g->hc_fence = fence;
	g->hc_head = head;
	g->hc_flips = flips;
	g->hc_armed = busy && !stuck;
	if (g->hc_armed)
		queue_delayed_work(system_wq, &g->hangcheck, GFX_HANGCHECK);
	spin_unlock_irq(&g->lock);
	drm_dev_exit(idx);
	if (stuck)
		gfx_recover(g);		/* re-arms when it publishes */
}

/*
 * The driver uses the master context only. Client contexts a previous
 * driver left running (uio_gfx's clients) would go on writing their VRAM
 * windows, which are ours now: stop their rings and reset them (the master's
 * CTX_RESET, done at its next doorbell).
 */
static void gfx_clients_stop(struct gfx_dev *g)
{
	u32 n = min_t(u32, gfx_rd(g, GFX_REG_CONTEXT_COUNT), GFX_MAX_CONTEXTS), mask = 0;

	for (u32 c = GFX_MASTER_CONTEXT + 1; c < n; c++) {
		void __iomem *page = g->reg + GFX_CTX_PAGE(c);

		writel(0, page + GFX_REG_IRQ_ENABLE);
		atomic_andnot(GFX_CTRL_RING_ENABLE, (atomic_t __force *)(page + GFX_REG_CONTROL));
		mask |= BIT(c);
	}
	if (mask)
		atomic_or(mask, (atomic_t __force *)(g->reg + GFX_REG_CTX_RESET));
}

/*
 * The device may have been used before (uio_gfx and libgfx): RESET it,
 * make our ring current with head = tail = 0, and hand out seqnos above
 * the FENCE_DONE it has reached.
 */
int gfx_ring_init(struct gfx_dev *g)
{
	u32 status;
	int ret;

	g->ring = devm_ioremap_wc(g->drm.dev, g->vram_phys + g->ring_node.start, GFX_RING_SIZE);
	if (!g->ring)
		return -ENOMEM;
	ret = drmm_mutex_init(&g->drm, &g->ring_lock);
	if (ret)
		return ret;
	spin_lock_init(&g->lock);
	spin_lock_init(&g->irq_lock);
	INIT_LIST_HEAD(&g->pending);
	init_waitqueue_head(&g->wq);
	init_llist_head(&g->retire_list);
	init_llist_head(&g->put_list);
	INIT_DELAYED_WORK(&g->retire_work, gfx_retire_work);
	INIT_DELAYED_WORK(&g->hangcheck, gfx_hangcheck_work);
	g->fence_context = dma_fence_context_alloc(1);

	gfx_clients_stop(g);
	gfx_wr(g, GFX_REG_IRQ_ENABLE, 0);
	gfx_control(g, 0, GFX_CTRL_RING_ENABLE);
	gfx_wr(g, GFX_REG_IRQ_MASTER, 1);
	gfx_wr(g, GFX_REG_RING_BASE, g->ring_node.start);
	gfx_wr(g, GFX_REG_RING_SIZE, GFX_RING_SIZE);
	gfx_wr(g, GFX_REG_RING_TAIL, 0);
	if (gfx_engine_reset(g)) {	/* its doorbell also carries out CTX_RESET */
		drm_err(&g->drm, "the device does not answer RESET\n");
		return -EIO;
	}
	/* A flip the previous driver queued latches at the next vblank: after it. */
	if (read_poll_timeout(gfx_rd, status, !(status & GFX_STATUS_FLIP_PENDING), 1000,
			      USEC_PER_SEC, false, g, GFX_REG_STATUS))
		drm_warn(&g->drm, "a flip of the previous driver is still pending\n");
	g->seqno = gfx_rd64(g, GFX_REG_FENCE_DONE);
	g->seqno_done = g->seqno;
	gfx_fence_page_reset(g, g->seqno_done);
	g->seqno_first = g->seqno + 1;
	g->errors_seen = gfx_rd(g, GFX_REG_ERROR_COUNT);
	g->flips_seen = gfx_rd64(g, GFX_REG_FLIP_COUNT);
	xchg((u32 __force *)(g->reg + GFX_REG_IRQ_CAUSE), 0);	/* stale causes */
	gfx_control(g, GFX_CTRL_RING_ENABLE, 0);
	gfx_kick(g);
	return 0;
}

/*
 * Unbind (after drm_dev_unplug and the interrupt is gone): stop the ring,
 * signal what is left with -ENODEV, drop the buffers held for the
 * display, and zap user mappings of VRAM. The scanout keeps its image.
 */
void gfx_ring_fini(struct gfx_dev *g)
{
	struct drm_pending_vblank_event *event;
	struct gfx_job *job, *tmp;
	bool vblank;

	mutex_lock(&g->ring_lock);
	WRITE_ONCE(g->gone, true);
	mutex_unlock(&g->ring_lock);
	wake_up_all(&g->wq);
	cancel_delayed_work_sync(&g->hangcheck);
	gfx_wr(g, GFX_REG_IRQ_ENABLE, 0);
	gfx_control(g, 0, GFX_CTRL_RING_ENABLE);
	gfx_kick(g);
	gfx_poll(g);
	spin_lock_irq(&g->lock);
	list_for_each_entry_safe(job, tmp, &g->pending, link) {
		dma_fence_set_error(&job->fence, -ENODEV);
		gfx_job_signal(g, job);
	}
	event = g->flip.event;
	vblank = g->flip.vblank;
	if (g->flip.queued && g->flip.bo)
		gfx_bo_put_later(g, g->flip.bo);
	if (g->scanout)
		gfx_bo_put_later(g, g->scanout);
	g->flip = (struct gfx_flip){};
	g->scanout = NULL;
	spin_unlock_irq(&g->lock);
	wake_up_all(&g->wq);
	gfx_flip_finish(g, event, vblank);
	cancel_delayed_work_sync(&g->retire_work);
	gfx_retire(g);
	unmap_mapping_range(g->drm.anon_inode->i_mapping, 0, 0, 1);
}
