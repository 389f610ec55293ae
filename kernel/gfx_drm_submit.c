// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm: SUBMIT and WAIT.
 *
 * SUBMIT copies the stream into the kernel once (everything after works on
 * that copy: user space cannot change what was checked), validates and
 * relocates it in one pass, and writes it into the ring in the ioctl, as
 * vc4 did before it had a scheduler: no thread hop between the ioctl and
 * the device. Small streams stay on the stack.
 */
#include <linux/dma-resv.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>
#include "gfx_drm_drv.h"

#define GFX_STACK_WORDS		128	/* streams up to this long are not allocated */

/* The relocations, read from user space in chunks, each exactly once. */
struct gfx_relocs {
	const struct drm_gfx_reloc __user *user;
	u32 left, n, i;
	struct drm_gfx_reloc buf[16];
};

/* The relocation of the command at word `at`, or NULL; misplaced ones are -EINVAL. */
static int gfx_reloc_at(struct gfx_relocs *r, u32 at, const struct drm_gfx_reloc **rel)
{
	*rel = NULL;
	if (r->i == r->n) {
		if (!r->left)
			return 0;
		r->n = min_t(u32, r->left, ARRAY_SIZE(r->buf));
		if (copy_from_user(r->buf, r->user, r->n * sizeof(r->buf[0])))
			return -EFAULT;
		r->user += r->n;
		r->left -= r->n;
		r->i = 0;
	}
	if (r->buf[r->i].cmd_word < at)
		return -EINVAL;		/* inside an earlier command, or out of order */
	if (r->buf[r->i].cmd_word == at)
		*rel = &r->buf[r->i++];
	return 0;
}

/*
 * Everything the device checks, and that the surface lies in its buffer: a
 * SET_SURFACE the device refused would leave the previous job's surface
 * (perhaps another client's) in the slot.
 */
static int gfx_reloc_surface(struct gfx_dev *g, struct gfx_job *job, u32 *c,
			     const struct drm_gfx_reloc *rel)
{
	u32 off = c[1], w = c[2], h = c[3], stride = c[4], cpp = gfx_format_cpp(g, c[5]);
	struct gfx_bo *bo;

	if (rel->bo_index >= job->bo_count)
		return -EINVAL;
	bo = to_gfx_bo(job->bos[rel->bo_index]);
	if (!cpp || off % 4 || !w || !h || w > GFX_MAX_SURFACE_SIDE ||
	    h > GFX_MAX_SURFACE_SIDE || stride % 4 || stride > GFX_MAX_STRIDE || stride < w * cpp)
		return -EINVAL;
	if ((u64)off + (u64)(h - 1) * stride + w * cpp > bo->base.size)
		return -EINVAL;
	c[1] = bo->node.start + off;
	return 0;
}

/* One pass: lengths, allowed opcodes, surfaces set in this job, relocations. */
static int gfx_validate(struct gfx_dev *g, struct gfx_job *job, u32 *cmds, u32 n,
			struct gfx_relocs *r)
{
	const struct drm_gfx_reloc *rel;
	bool dst = false, src = false;
	u32 i, len;
	int ret;

	for (i = 0; i < n; i += len) {
		u32 op = GFX_CMD_OPCODE(cmds[i]);

		len = GFX_CMD_WORDS(cmds[i]);
		if (!len || len > g->max_cmd_words || len > n - i)
			return -EINVAL;
		ret = gfx_reloc_at(r, i, &rel);
		if (ret)
			return ret;
		if (!rel == (op == GFX_OP_SET_SURFACE))
			return -EINVAL;		/* one relocation per SET_SURFACE, none elsewhere */
		switch (op) {
		case GFX_OP_NOP:
		case GFX_OP_SET_CLIP:
			break;
		case GFX_OP_SET_SURFACE:
			ret = len != GFX_SET_SURFACE_WORDS ? -EINVAL :
			      gfx_reloc_surface(g, job, cmds + i, rel);
			if (ret)
				return ret;
			if (GFX_CMD_FLAGS(cmds[i]) & GFX_SURFACE_SRC)
				src = true;
			else
				dst = true;
			break;
		case GFX_OP_FILL_RECTS:
			if (!dst)
				return -EINVAL;
			break;
		case GFX_OP_COPY_RECTS:
		case GFX_OP_BLEND_RECTS:
		case GFX_OP_STRETCH_BLIT:
			if (!dst || !src)
				return -EINVAL;
			break;
		default:	/* FENCE, WAIT_VBLANK, FLIP: the kernel's; unknown opcodes */
			return -EINVAL;
		}
	}
	return r->i < r->n || r->left ? -EINVAL : 0;	/* relocations left over */
}

static int gfx_lookup(struct drm_file *file, struct gfx_job *job, const u32 __user *handles,
		      u32 count)
{
	u32 buf[32];

	while (job->bo_count < count) {
		u32 n = min_t(u32, count - job->bo_count, ARRAY_SIZE(buf));

		if (copy_from_user(buf, handles + job->bo_count, n * sizeof(u32)))
			return -EFAULT;
		for (u32 i = 0; i < n; i++) {
			struct drm_gem_object *obj = drm_gem_object_lookup(file, buf[i]);

			if (!obj)
				return -ENOENT;
			job->bos[job->bo_count++] = obj;
		}
	}
	return 0;
}

static int gfx_lock_bos(struct gfx_job *job, struct ww_acquire_ctx *ctx)
{
	int ret = drm_gem_lock_reservations(job->bos, job->bo_count, ctx);

	if (ret)
		return ret == -EALREADY ? -EINVAL : ret;	/* a buffer listed twice */
	for (unsigned int i = 0; i < job->bo_count; i++) {
		ret = dma_resv_reserve_fences(job->bos[i]->resv, 1);
		if (ret) {
			drm_gem_unlock_reservations(job->bos, job->bo_count, ctx);
			return ret;
		}
	}
	return 0;
}

/* Into the ring; the job's fence goes to every buffer before the device sees it. */
static int gfx_queue(struct gfx_dev *g, struct gfx_job *job, const u32 *cmds, u32 words)
{
	struct ww_acquire_ctx ctx;
	int ret;

	ret = gfx_lock_bos(job, &ctx);
	if (ret)
		return ret;
	ret = gfx_ring_begin(g, GFX_JOB_WORDS(words), true);
	if (ret) {
		drm_gem_unlock_reservations(job->bos, job->bo_count, &ctx);
		return ret;
	}
	gfx_job_begin(g, job, words);
	gfx_ring_write(g, cmds, words);
	gfx_job_end(g, job);
	for (unsigned int i = 0; i < job->bo_count; i++)
		dma_resv_add_fence(job->bos[i]->resv, &job->fence, DMA_RESV_USAGE_WRITE);
	drm_gem_unlock_reservations(job->bos, job->bo_count, &ctx);
	gfx_ring_end(g);
	return 0;
}

static int gfx_check_submit(const struct drm_gfx_submit *a)
{
	if (a->flags & ~DRM_GFX_SUBMIT_FLAGS || a->pad || !a->cmd_words ||
	    a->cmd_words > GFX_MAX_SUBMIT_WORDS || a->bo_count > DRM_GFX_MAX_BOS ||
	    a->reloc_count > a->cmd_words / GFX_SET_SURFACE_WORDS)
		return -EINVAL;
	return 0;
}

int gfx_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gfx_dev *g = to_gfx(drm);
	struct drm_gfx_submit *a = data;
	struct gfx_relocs relocs = { .user = u64_to_user_ptr(a->relocs), .left = a->reloc_count };
	struct drm_syncobj *sync = NULL;
	u32 stack[GFX_STACK_WORDS], *cmds = stack;
	struct gfx_job *job;
	int ret;

	ret = gfx_check_submit(a);
	if (ret)
		return ret;
	gfx_retire(g);		/* what this and other clients' finished jobs still hold */
	if (a->cmd_words > ARRAY_SIZE(stack))
		cmds = kvmalloc_array(a->cmd_words, sizeof(u32), GFP_KERNEL);
	job = cmds ? gfx_job_alloc(g, file->driver_priv, a->bo_count) : NULL;
	if (!job) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(cmds, u64_to_user_ptr(a->cmds), a->cmd_words * sizeof(u32)))
		ret = -EFAULT;
	ret = ret ?: gfx_lookup(file, job, u64_to_user_ptr(a->bos), a->bo_count) ?:
	      gfx_validate(g, job, cmds, a->cmd_words, &relocs);
	if (!ret && a->out_sync) {
		sync = drm_syncobj_find(file, a->out_sync);
		ret = sync ? 0 : -ENOENT;
	}
	ret = ret ?: gfx_queue(g, job, cmds, a->cmd_words);
	if (ret) {
		gfx_job_free(job);
		goto out;
	}
	a->seqno = job->fence.seqno;
	if (sync)
		drm_syncobj_replace_fence(sync, &job->fence);
	dma_fence_put(&job->fence);
out:
	if (sync)
		drm_syncobj_put(sync);
	if (cmds != stack)
		kvfree(cmds);
	return ret;
}

static bool gfx_done(struct gfx_dev *g, u64 seqno)
{
	return (s64)(READ_ONCE(g->seqno_done) - seqno) >= 0 || READ_ONCE(g->gone);
}

/* FENCE_DONE passed seqno before its interrupt was handled: handle it now. */
static void gfx_wait_poll(struct gfx_dev *g, u64 seqno)
{
	int idx;

	if (!drm_dev_enter(&g->drm, &idx))
		return;
	if ((s64)(gfx_rd64(g, GFX_REG_FENCE_DONE) - seqno) >= 0)
		gfx_poll_fences(g);
	drm_dev_exit(idx);
}

/*
 * An absolute CLOCK_MONOTONIC deadline survives a restarted syscall as is.
 * Once the job is done, what finished jobs held is put before returning, so
 * a buffer closed after the WAIT gives its VRAM back at once.
 */
static int gfx_wait_seqno(struct gfx_dev *g, u64 seqno, s64 deadline)
{
	ktime_t left;
	int ret;

	if (!gfx_done(g, seqno))
		gfx_wait_poll(g, seqno);
	if (!gfx_done(g, seqno)) {
		left = ktime_sub(ns_to_ktime(deadline), ktime_get());
		if (left <= 0)
			return -ETIMEDOUT;
		gfx_fence_irq_get(g);
		gfx_wait_poll(g, seqno);	/* done before its interrupt was on */
		ret = wait_event_interruptible_hrtimeout(g->wq, gfx_done(g, seqno), left);
		gfx_fence_irq_put(g);
		if (ret)
			return ret == -ETIME ? -ETIMEDOUT : ret;
	}
	gfx_retire(g);
	return 0;
}

/* -EIO with the code and word if this file's job `seqno` failed. */
static int gfx_wait_result(struct gfx_dev *g, struct gfx_file *f, u64 seqno,
			   struct drm_gfx_wait *a)
{
	int ret = 0;

	if (READ_ONCE(g->gone))
		return -ENODEV;
	spin_lock_irq(&g->lock);
	for (unsigned int i = 0; i < GFX_FILE_ERRORS; i++) {
		if (f->err[i].seqno == seqno) {
			a->error_code = f->err[i].code;
			a->error_word = f->err[i].word;
			ret = -EIO;
			break;
		}
	}
	spin_unlock_irq(&g->lock);
	return ret;
}

/*
 * Our jobs on a buffer complete in ring order: wait for the newest, even if
 * it signalled long ago (its error is still reported). Fences of other
 * drivers (a PRIME importer's) offer only jiffies timeouts.
 */
static int gfx_wait_bo(struct gfx_dev *g, struct drm_file *file, struct drm_gfx_wait *a)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, a->handle);
	bool foreign = false;
	struct dma_resv_iter it;
	struct dma_fence *f;
	u64 seqno = 0;
	long ret;

	if (!obj)
		return -ENOENT;
	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto out;
	dma_resv_for_each_fence(&it, obj->resv, DMA_RESV_USAGE_BOOKKEEP, f) {
		if (f->context == g->fence_context)
			seqno = max(seqno, f->seqno);
		else
			foreign |= !dma_fence_is_signaled(f);
	}
	dma_resv_unlock(obj->resv);
	if (foreign) {
		s64 left = a->timeout_ns - ktime_get_ns();

		ret = left <= 0 ? 0 : nsecs_to_jiffies(left) + 1;
		ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_BOOKKEEP, true, ret);
		ret = ret < 0 ? ret : ret ? 0 : -ETIMEDOUT;
	}
	if (!ret && seqno)
		ret = gfx_wait_seqno(g, seqno, a->timeout_ns) ?:
		      gfx_wait_result(g, file->driver_priv, seqno, a);
out:
	drm_gem_object_put(obj);
	return ret;
}

int gfx_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct gfx_dev *g = to_gfx(drm);
	struct drm_gfx_wait *a = data;

	a->error_code = 0;
	a->error_word = 0;
	if (a->flags & ~DRM_GFX_WAIT_BO)
		return -EINVAL;
	if (a->flags & DRM_GFX_WAIT_BO)
		return gfx_wait_bo(g, file, a);
	if (a->seqno < g->seqno_first || a->seqno > READ_ONCE(g->seqno))
		return -EINVAL;		/* never handed out (by this binding) */
	return gfx_wait_seqno(g, a->seqno, a->timeout_ns) ?:
	       gfx_wait_result(g, file->driver_priv, a->seqno, a);
}
