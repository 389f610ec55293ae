/* SPDX-License-Identifier: MIT */
/*
 * drm_fence.c - fences on the DRM driver. A fence is the kernel's seqno of
 * a job: gfx_fence() submits what was built and returns that job's seqno
 * (the user-mode driver emits a FENCE command instead; here the kernel
 * appends it). Jobs complete in order, so one seqno known done means every
 * older one is done.
 *
 *   is it done?   the kernel's fence page (struct drm_gfx_fence_page, mapped
 *                 read-only) answers without an ioctl whenever the kernel has
 *                 seen the job finish and no job failed since our last WAIT;
 *                 otherwise a WAIT with a zero deadline asks
 *   waiting       WAIT, with an absolute deadline
 *   waking a loop gfx_fence(dev, true, ...) gives the job a syncobj whose
 *                 sync_file joins gfx_get_fd()'s epoll set until it signals
 *   exporting     gfx_fence_export: a NOP job after seqno's, with a syncobj
 *                 of its own, as a sync_file
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>

#include "drm_priv.h"

/* Optional: kernels before the fence page leave it NULL, and WAIT answers. */
void drm_fence_page_map(struct gfx_drm *d)
{
	uint64_t off;
	void *p;

	if (drm_param(d->fd, DRM_GFX_PARAM_FENCE_PAGE, 0, &off) < 0)
		return;
	p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, d->fd, (off_t)off);
	if (p == MAP_FAILED)
		return;
	d->fence_page = p;
	d->errors_seen = d->fence_page->errors;	/* failures before we came are not ours */
}

/* The fence page says seqno is done, and no job failed since our last WAIT. */
static bool page_says_done(struct gfx_drm *d, uint64_t seqno)
{
	const struct drm_gfx_fence_page *fp = d->fence_page;
	uint64_t done;

	if (!fp)
		return false;
	done = __atomic_load_n(&fp->seqno_done, __ATOMIC_ACQUIRE);	/* then errors: the uapi's order */
	if (!gfx_seqno_passed(done, seqno) || __atomic_load_n(&fp->errors, __ATOMIC_RELAXED) !=
	    d->errors_seen)
		return false;
	d->done = done;
	return true;
}

/* A job of one NOP, so that a fence has a job of its own to carry. */
static int nop_job(struct gfx_device *dev)
{
	int r = gfx_ring_reserve(dev, 1);

	if (r < 0)
		return r;
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_NOP, 0, 1));
	gfx_ring_advance(dev, 1);
	return 0;
}

/*
 * The event loop is to wake when seqno is done: the job's syncobj as a
 * sync_file in gfx_get_fd()'s epoll set, in place of the previous one (jobs
 * complete in order). Without syncobj export the fd wakes for flips only.
 */
static void watch(struct gfx_device *dev, uint64_t seqno)
{
	struct gfx_drm *d = dev->drm;
	struct epoll_event ev = { .events = EPOLLIN };
	int fd;

	if (drmSyncobjExportSyncFile(d->fd, d->irq_sync, &fd) < 0)
		return;
	if (d->watch_fd >= 0)
		close(d->watch_fd);	/* leaves the epoll set */
	ev.data.fd = fd;
	if (epoll_ctl(dev->event_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		fd = -1;
	}
	d->watch_fd = fd;
	d->watch_seqno = seqno;
}

int drm_fence(struct gfx_device *dev, bool irq, uint64_t *seqno)
{
	struct gfx_drm *d = dev->drm;
	bool has_work = d->job_open && dev->tail != d->restate_words;
	int r = 0;

	/* Nothing of ours yet, or a wake-up wanted for done work: a job to carry the fence. */
	if (!has_work && (d->last_job == 0 || (irq && !gfx_seqno_passed(d->done, d->last_job))))
		r = nop_job(dev);
	if (r == 0 && irq && (d->irq_sync || drmSyncobjCreate(d->fd, 0, &d->irq_sync) == 0) &&
	    d->job_open && dev->tail != d->restate_words)
		d->out_sync = d->irq_sync;
	if (r == 0)
		r = drm_submit(dev);
	if (r < 0)
		return r;
	if (irq && d->irq_sync && !gfx_seqno_passed(d->done, d->last_job))
		watch(dev, d->last_job);
	*seqno = d->last_job;
	return 0;
}

/*
 * A job's fence cannot be named again once submitted, but jobs complete in
 * order: a NOP job's fence covers seqno and everything built before.
 */
int drm_fence_export(struct gfx_device *dev, uint64_t seqno, int *fd)
{
	struct gfx_drm *d = dev->drm;
	uint32_t sync = 0;
	int r;

	if (seqno == 0 || !gfx_seqno_passed(d->last_job, seqno))
		return gfx_set_error(dev, -EINVAL, "fence %llu was never emitted (the newest is %llu)",
				     (unsigned long long)seqno, (unsigned long long)d->last_job);
	if (drmSyncobjCreate(d->fd, 0, &sync) < 0)
		return drm_ioctl_err(dev, -errno, "SYNCOBJ_CREATE");
	r = nop_job(dev);
	if (r == 0) {
		d->out_sync = sync;
		r = drm_submit(dev);
	}
	if (r == 0 && drmSyncobjExportSyncFile(d->fd, sync, fd) < 0)
		r = drm_ioctl_err(dev, -errno, "SYNCOBJ_HANDLE_TO_FD (sync_file)");
	drmSyncobjDestroy(d->fd, sync);
	return r;
}

/*
 * From gfx_dispatch(): once the watched job is done, its sync_file leaves
 * the epoll set (a signalled one would keep the loop awake). The fence page
 * says so without a call; a kernel without it, poll() on the file.
 */
void drm_fence_unwatch_done(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;
	struct pollfd p = { .fd = d->watch_fd, .events = POLLIN };
	bool done;

	if (d->watch_fd < 0)
		return;
	if (d->fence_page)
		done = gfx_seqno_passed(__atomic_load_n(&d->fence_page->seqno_done,
							__ATOMIC_ACQUIRE), d->watch_seqno);
	else
		done = poll(&p, 1, 0) == 1;
	if (!done)
		return;
	drm_fence_done(dev, d->watch_seqno);	/* its error, if it failed */
	close(d->watch_fd);
	d->watch_fd = -1;
}

/* Note an error the kernel reported for a job, for gfx_dispatch(). */
static int job_error(struct gfx_device *dev, uint64_t seqno, const struct drm_gfx_wait *w)
{
	if (dev->errors_n < GFX_MAX_PENDING_ERRORS) {
		dev->errors[dev->errors_n].code = w->error_code;
		dev->errors[dev->errors_n].offset = w->error_word * 4;
		dev->errors_n++;
	}
	gfx_note_causes(dev, GFX_IRQ_ERROR);
	if (w->error_code == DRM_GFX_ERR_HANG)
		return gfx_set_error(dev, -EIO, "job %llu was dropped: the GPU hung and the kernel "
				     "reset it", (unsigned long long)seqno);
	return gfx_set_error(dev, -EIO, "bad command at word %u of job %llu: %s", w->error_word,
			     (unsigned long long)seqno, gfx_error_name(w->error_code));
}

/* One WAIT ioctl; 0 (done), -EIO (done, with an error), -ETIMEDOUT. */
int drm_wait_ioctl(struct gfx_device *dev, uint64_t seqno, int64_t deadline_ns)
{
	struct gfx_drm *d = dev->drm;
	struct drm_gfx_wait w = { .seqno = seqno, .timeout_ns = deadline_ns };
	uint64_t errors = d->fence_page ? __atomic_load_n(&d->fence_page->errors,
							  __ATOMIC_ACQUIRE) : 0;
	int r = 0;

	if (drmIoctl(d->fd, DRM_IOCTL_GFX_WAIT, &w) < 0)
		r = -errno;
	if (r == 0 || r == -EIO) {
		d->errors_seen = errors;	/* failures up to here: this WAIT told ours */
		if (gfx_seqno_passed(seqno, d->done))
			d->done = seqno;
		return r == 0 ? 0 : job_error(dev, seqno, &w);
	}
	if (r == -ETIMEDOUT || r == -ETIME)
		return -ETIMEDOUT;
	return drm_ioctl_err(dev, r, "WAIT");
}

bool drm_fence_done(struct gfx_device *dev, uint64_t seqno)
{
	struct gfx_drm *d = dev->drm;

	if (gfx_seqno_passed(d->done, seqno))
		return true;
	if (dev->lost || !gfx_seqno_passed(d->last_job, seqno))
		return false;
	if (page_says_done(d, seqno))
		return true;
	return drm_wait_ioctl(dev, seqno, 0) != -ETIMEDOUT;
}

int drm_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns)
{
	struct gfx_drm *d = dev->drm;
	int64_t deadline;
	int r;

	if (gfx_seqno_passed(d->done, seqno))
		return 0;
	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	r = drm_submit(dev);
	if (r < 0)
		return r;
	if (!gfx_seqno_passed(d->last_job, seqno))
		return gfx_set_error(dev, -EINVAL, "fence %llu was never emitted",
				     (unsigned long long)seqno);
	if (page_says_done(d, seqno))
		return 0;
	deadline = timeout_ns < 0 ? INT64_MAX : gfx_now_ns() + timeout_ns;
	r = drm_wait_ioctl(dev, seqno, timeout_ns == 0 ? 0 : deadline);
	if (r == -ETIMEDOUT)
		return gfx_set_error(dev, -ETIMEDOUT, timeout_ns == 0 ?
				     "fence %llu has not signalled yet" :
				     "fence %llu did not signal in time: GPU hang?",
				     (unsigned long long)seqno);
	return r;
}

void drm_fence_fini(struct gfx_drm *d)
{
	if (d->watch_fd >= 0)
		close(d->watch_fd);
	if (d->irq_sync)
		drmSyncobjDestroy(d->fd, d->irq_sync);
	if (d->fence_page)
		munmap((void *)d->fence_page, (size_t)sysconf(_SC_PAGESIZE));
}
