// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm: user-mode queues (include/gfx_drm.h, USERQ_CREATE). A file takes
 * one of the GPU's client contexts and drives it from user space with
 * stores and a doorbell; the kernel keeps what a process must not decide:
 *
 *   create   pick a free context with a vector, take its fixed VRAM window
 *            out of GEM's allocator as an object of its own (a handle for
 *            the file, to share as a dma-buf), reset the context, clear the window
 *            through the kernel's ring (waited: no one sees the pixels of
 *            the window's last user), then publish it to the interrupt
 *   mmap     the doorbell page, the context's register page, its irq page
 *            and its window, faulted in while the queue lives
 *   irq      the context's MSI-X vector: take IRQ_CAUSE, count it in the
 *            irq page, signal the owner's eventfd and the queue's fences
 *            its FENCE_DONE reached (gfx_drm_userq_fence.c)
 *   signal   USERQ_SIGNAL: a fence for the queue's seqno into a syncobj;
 *            a work item polls FENCE_DONE while fences wait, and takes a
 *            queue whose fence is overdue back, as a hang
 *   revoke   on DESTROY, the file's close, a hang and unbind: zap every
 *            mapping (the next access is a SIGBUS), reset the context,
 *            signal its fences, and drop the queue's reference on the
 *            window once the device acknowledged the reset; the context
 *            is free when no one holds the window
 *
 * Locks: userq_lock (mutex; create, signal, the poll and revoke; outside
 * ring_lock and mm_lock) -> gfx_userq.lock (mutex, also taken by faults
 * under the mm's mmap_lock) -> the mapping's i_mmap_rwsem. A vector's lock
 * (spinlock, irq-safe) guards which queue the interrupt reaches; nothing is
 * taken under it but the eventfd's own lock and the queue's fence_lock.
 */
#include <linux/eventfd.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/drm_vma_manager.h>
#include "gfx_drm_drv.h"
#include "gfx_irq_page.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)	/* the count argument went in */
#define gfx_eventfd_signal(ctx) eventfd_signal(ctx, 1)
#else
#define gfx_eventfd_signal(ctx) eventfd_signal(ctx)
#endif

/* A new queue's window clear: tens of ms under TCG; more means a wedged device. */
#define GFX_USERQ_CLEAR_TIMEOUT	(5 * HZ)

static_assert(GFX_USERQ_PGOFF(GFX_MAX_CONTEXTS) <= DRM_FILE_PAGE_OFFSET_START);

static void gfx_userq_free(struct kref *ref)
{
	struct gfx_userq *q = container_of(ref, struct gfx_userq, ref);

	if (q->eventfd)
		eventfd_ctx_put(q->eventfd);
	if (q->irq_page)
		put_page(q->irq_page);
	mutex_destroy(&q->lock);
	kfree(q);
}

static void gfx_userq_put(struct gfx_userq *q)
{
	kref_put(&q->ref, gfx_userq_free);
}

/* Context id's FENCE_DONE, from the master's table; the registers must be mapped. */
static u64 gfx_userq_done(struct gfx_dev *g, u32 id)
{
	const struct gfx_ctx_entry __iomem *table = g->reg + GFX_REG_CTX_TABLE;

	return readq(&table[id].fence_done);	/* the device stores it whole (gfx_hw.h) */
}

/* Always IRQ_HANDLED: any holder of the doorbell page can raise any vector (uio_gfx.c). */
static irqreturn_t gfx_userq_irq(int irq, void *arg)
{
	struct gfx_ctx_vec *v = arg;
	void __iomem *reg = v->dev->reg + GFX_CTX_PAGE(v->id) + GFX_REG_IRQ_CAUSE;
	u32 cause = readl(reg);

	/* Set with an atomic OR by the device; take them all at once. */
	if (cause && cause != ~0u)
		cause = xchg((u32 __force *)reg, 0);
	spin_lock(&v->lock);
	if (v->q && (!cause || cause == ~0u)) {
		WRITE_ONCE(v->q->irq->spurious, v->q->irq->spurious + 1);
	} else if (v->q) {
		gfx_irq_page_record(v->q->irq, cause, ktime_get_ns());
		gfx_eventfd_signal(v->q->eventfd);
		if (gfx_userq_fences_pending(v->q))
			gfx_userq_fences_signal(v->q, gfx_userq_done(v->dev, v->id));
	}
	spin_unlock(&v->lock);
	return IRQ_HANDLED;
}

static void gfx_userq_fini(struct drm_device *drm, void *arg);
static void gfx_userq_fence_work(struct work_struct *work);

/* At probe: a handler on each client context's vector the device was given. */
int gfx_userq_init(struct pci_dev *pdev, struct gfx_dev *g, int vectors)
{
	/* Before gfx_vram_fini (drmm actions run last first): it wants no node left. */
	int ret = drmm_mutex_init(&g->drm, &g->userq_lock) ?:
		  drmm_add_action_or_reset(&g->drm, gfx_userq_fini, g);

	INIT_DELAYED_WORK(&g->userq_fence_work, gfx_userq_fence_work);
	g->userq_count = min_t(u32, vectors, gfx_rd(g, GFX_REG_CONTEXT_COUNT));
	g->userq_count = g->userq_count ? g->userq_count - 1 : 0;
	for (u32 id = 1; id <= g->userq_count && !ret; id++) {
		struct gfx_ctx_vec *v = &g->vec[id];

		*v = (struct gfx_ctx_vec){ .dev = g, .id = id };
		spin_lock_init(&v->lock);
		ret = devm_request_irq(&pdev->dev, pci_irq_vector(pdev, id), gfx_userq_irq, 0,
				       GFX_DRM_NAME, v);
	}
	return ret;
}

/* Stop context id: no interrupts, ring off, then the master's CTX_RESET; wait for it if asked. */
static int gfx_userq_reset(struct gfx_dev *g, u32 id, bool wait)
{
	void __iomem *page = g->reg + GFX_CTX_PAGE(id);
	int idx, ret = 0;
	u32 count, now;

	if (!drm_dev_enter(&g->drm, &idx))
		return -ENODEV;		/* unbound: the registers are unmapped */
	count = readl(page + GFX_REG_RESET_COUNT);
	writel(0, page + GFX_REG_IRQ_ENABLE);
	writel(0, page + GFX_REG_CONTROL);
	writel(1, page + GFX_REG_IRQ_MASTER);	/* the next owner's switch starts on */
	atomic_or(BIT(id), (atomic_t __force *)(g->reg + GFX_REG_CTX_RESET));
	gfx_kick(g);
	if (wait)
		ret = read_poll_timeout(readl, now, now != count, 50, USEC_PER_SEC, false,
					page + GFX_REG_RESET_COUNT);
	drm_dev_exit(idx);
	return ret;
}

/* Under userq_lock: a free context whose window no GEM object uses; -ENOSPC if none. */
static int gfx_userq_take_context(struct gfx_dev *g, struct gfx_userq *q)
{
	const struct gfx_ctx_entry __iomem *table = g->reg + GFX_REG_CTX_TABLE;

	gfx_retire(g);		/* buffers only finished jobs still held go first */
	for (u32 id = 1; id <= g->userq_count; id++) {
		u32 off = readl(&table[id].window_offset), size = readl(&table[id].window_size);
		struct gfx_bo *window;

		if (g->vec[id].q || g->vec[id].stale || !size || !PAGE_ALIGNED(off) ||
		    !PAGE_ALIGNED(size) || (u64)off + size > g->vram_size ||
		    size > GFX_USERQ_SPAN - DRM_GFX_USERQ_MAP_WINDOW * PAGE_SIZE)
			continue;
		window = gfx_bo_create_window(g, off, size, id);
		if (PTR_ERR(window) == -ENOSPC)
			continue;	/* in GEM's use, or still held by a dma-buf's importer */
		if (IS_ERR(window))
			return PTR_ERR(window);
		q->window = window;
		q->window_start = off;
		q->window_size = size;
		q->id = id;
		return 0;
	}
	return -ENOSPC;
}

/* The queue's reference on its window: the object goes once no one else holds it either. */
static void gfx_userq_window_free(struct gfx_dev *g, struct gfx_userq *q)
{
	drm_gem_object_put(&q->window->base);
	q->window = NULL;
}

/* The window zeroed by the master's ring, waited for. */
static int gfx_userq_clear(struct gfx_dev *g, struct gfx_userq *q)
{
	struct dma_fence *fence = gfx_vram_clear(g, q->window_start, q->window_size, NULL);
	long t;

	if (IS_ERR(fence))
		return PTR_ERR(fence);
	t = dma_fence_wait_timeout(fence, false, GFX_USERQ_CLEAR_TIMEOUT);
	t = t == 0 ? -ETIMEDOUT : t < 0 ? t : fence->error;
	dma_fence_put(fence);
	return t;
}

static struct gfx_userq *gfx_userq_alloc(int fd)
{
	struct gfx_userq *q = kzalloc(sizeof(*q), GFP_KERNEL);
	struct eventfd_ctx *ev;

	if (!q)
		return ERR_PTR(-ENOMEM);
	kref_init(&q->ref);
	mutex_init(&q->lock);
	gfx_userq_fences_init(q);
	q->irq_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	ev = eventfd_ctx_fdget(fd);
	if (!q->irq_page || IS_ERR(ev)) {
		int ret = q->irq_page ? PTR_ERR(ev) : -ENOMEM;

		if (!IS_ERR(ev))
			eventfd_ctx_put(ev);
		gfx_userq_put(q);
		return ERR_PTR(ret);
	}
	q->eventfd = ev;
	q->irq = page_address(q->irq_page);
	return q;
}

int gfx_ioctl_userq_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gfx_userq_create *a = data;
	struct gfx_dev *g = to_gfx(drm);
	struct gfx_file *f = file->driver_priv;
	struct gfx_userq *q;
	int ret;

	if (a->flags || a->pad || a->eventfd < 0)
		return -EINVAL;
	q = gfx_userq_alloc(a->eventfd);
	if (IS_ERR(q))
		return PTR_ERR(q);
	q->dev = g;
	mutex_lock(&g->userq_lock);
	ret = f->userq ? -EBUSY : g->userq_gone ? -ENODEV : gfx_userq_take_context(g, q);
	if (!ret) {
		ret = gfx_userq_reset(g, q->id, true) ?: gfx_userq_clear(g, q) ?:
		      drm_gem_handle_create(file, &q->window->base, &a->window_handle);
		if (ret)
			gfx_userq_window_free(g, q);	/* never handed out: nothing ran on it */
	}
	if (!ret) {
		q->owner = f;
		f->userq = q;
		spin_lock_irq(&g->vec[q->id].lock);
		g->vec[q->id].q = q;
		spin_unlock_irq(&g->vec[q->id].lock);
	}
	mutex_unlock(&g->userq_lock);
	if (ret) {
		gfx_userq_put(q);
		return ret;
	}
	a->context = q->id;
	a->doorbell_offset = offset_in_page(g->bar0_phys) + IVSHMEM_REG_DOORBELL;
	a->window_offset = q->window_start;
	a->window_size = q->window_size;
	a->mmap_offset = (u64)GFX_USERQ_PGOFF(q->id) << PAGE_SHIFT;
	return 0;
}

/*
 * Under userq_lock: the owner loses the queue for good. Its mappings go
 * first, then the context is reset and its unreached fences signal with
 * error; its window returns to GEM only once the device acknowledged the
 * reset (it might still write there otherwise) -- a context that does not
 * is kept out of use until unbind.
 */
static void gfx_userq_revoke(struct gfx_dev *g, struct gfx_userq *q, bool wait, int error)
{
	struct gfx_ctx_vec *v = &g->vec[q->id];
	u64 done = 0;

	lockdep_assert_held(&g->userq_lock);
	gfx_userq_fence(g, q->id, &done);	/* fails only unbound, its fences ended then */
	spin_lock_irq(&v->lock);
	v->q = NULL;
	spin_unlock_irq(&v->lock);
	mutex_lock(&q->lock);
	q->revoked = true;
	unmap_mapping_range(g->drm.anon_inode->i_mapping, (loff_t)GFX_USERQ_PGOFF(q->id) << PAGE_SHIFT,
			    GFX_USERQ_SPAN, 1);
	mutex_unlock(&q->lock);
	q->owner->userq = NULL;
	if (gfx_userq_reset(g, q->id, wait) == 0 || !wait) {
		gfx_userq_fences_end(q, done, error);
		gfx_userq_window_free(g, q);
		gfx_userq_put(q);
		return;
	}
	drm_err(&g->drm, "context %u did not acknowledge its reset: kept out of use\n", q->id);
	gfx_userq_fences_end(q, done, error);	/* they must end; their buffers are in the window */
	v->stale = q;		/* its window stays reserved; gfx_userq_fini frees it */
}

int gfx_ioctl_userq_destroy(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gfx_userq_destroy *a = data;
	struct gfx_dev *g = to_gfx(drm);
	struct gfx_file *f = file->driver_priv;
	int ret = 0;

	if (a->pad)
		return -EINVAL;
	mutex_lock(&g->userq_lock);
	if (!f->userq || f->userq->id != a->context)
		ret = -ENOENT;
	else
		gfx_userq_revoke(g, f->userq, !g->userq_gone, -ECANCELED);
	mutex_unlock(&g->userq_lock);
	return ret;
}

/*
 * GET_PARAM CONTEXT_FENCE: client context id's FENCE_DONE, from the
 * master's context table, for any file: a compositor learns that a queue's
 * buffer is drawn (fence seqnos tell nothing else of a process).
 */
int gfx_userq_fence(struct gfx_dev *g, u32 id, u64 *value)
{
	int idx;

	if (id == GFX_MASTER_CONTEXT || id > g->userq_count)
		return -EINVAL;
	if (!drm_dev_enter(&g->drm, &idx))
		return -ENODEV;
	*value = gfx_userq_done(g, id);
	drm_dev_exit(idx);
	return 0;
}

/* USERQ_SIGNAL: a fence for the file's queue's seqno, into a syncobj; the poll armed. */
int gfx_ioctl_userq_signal(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gfx_userq_signal *a = data;
	struct gfx_dev *g = to_gfx(drm);
	struct gfx_file *f = file->driver_priv;
	struct drm_syncobj *sync;
	struct dma_fence *fence;

	if (a->flags || a->pad)
		return -EINVAL;
	sync = drm_syncobj_find(file, a->out_sync);
	if (!sync)
		return -ENOENT;
	mutex_lock(&g->userq_lock);
	if (g->userq_gone)
		fence = ERR_PTR(-ENODEV);
	else if (!f->userq || f->userq->id != a->context)
		fence = ERR_PTR(-ENOENT);
	else
		fence = gfx_userq_fence_create(f->userq, a->seqno);
	if (!IS_ERR(fence) && gfx_userq_fences_pending(f->userq))
		queue_delayed_work(system_wq, &g->userq_fence_work,
				   msecs_to_jiffies(DRM_GFX_USERQ_FENCE_POLL_MS));
	mutex_unlock(&g->userq_lock);
	if (!IS_ERR(fence)) {
		drm_syncobj_replace_fence(sync, fence);
		dma_fence_put(fence);
	}
	drm_syncobj_put(sync);
	return PTR_ERR_OR_ZERO(fence);
}

/*
 * The poll, while any queue has fences: FENCE_DONE read for fences whose
 * FENCE raised no interrupt, and a queue with an overdue fence taken back.
 */
static void gfx_userq_fence_work(struct work_struct *work)
{
	struct gfx_dev *g = container_of(to_delayed_work(work), struct gfx_dev, userq_fence_work);
	bool again = false;

	mutex_lock(&g->userq_lock);
	for (u32 id = 1; id <= g->userq_count && !g->userq_gone; id++) {
		struct gfx_userq *q = g->vec[id].q;

		if (!q || !gfx_userq_fences_pending(q))
			continue;
		gfx_userq_fences_signal(q, gfx_userq_done(g, id));
		if (gfx_userq_fences_hung(q)) {
			drm_warn(&g->drm, "context %u: a fence unreached %u ms after USERQ_SIGNAL; queue taken back\n",
				 id, DRM_GFX_USERQ_FENCE_TIMEOUT_MS);
			gfx_userq_revoke(g, q, true, -ETIMEDOUT);
			continue;
		}
		again |= gfx_userq_fences_pending(q);
	}
	if (again)
		queue_delayed_work(system_wq, &g->userq_fence_work,
				   msecs_to_jiffies(DRM_GFX_USERQ_FENCE_POLL_MS));
	mutex_unlock(&g->userq_lock);
}

/* The file's close: its queue, if any, is taken back. */
void gfx_userq_close_file(struct gfx_dev *g, struct gfx_file *f)
{
	mutex_lock(&g->userq_lock);
	if (f->userq)
		gfx_userq_revoke(g, f->userq, !g->userq_gone, -ECANCELED);
	mutex_unlock(&g->userq_lock);
}

/*
 * Unbind: no queue works any more (faults give SIGBUS, gfx_ring_fini zaps
 * the mappings), and no new one is made. The queues' files free them.
 */
void gfx_userq_unbind(struct gfx_dev *g)
{
	mutex_lock(&g->userq_lock);
	g->userq_gone = true;
	for (u32 id = 1; id <= g->userq_count; id++) {
		struct gfx_userq *q = g->vec[id].q;

		if (!q)
			continue;
		mutex_lock(&q->lock);
		q->revoked = true;
		mutex_unlock(&q->lock);
		gfx_userq_reset(g, id, false);
		/* Unplugged, not yet unmapped: the devm actions run before the iounmap. */
		gfx_userq_fences_end(q, gfx_userq_done(g, id), -ENODEV);
		spin_lock_irq(&g->vec[id].lock);	/* the owner's next wake-up says so */
		smp_store_release(&q->irq->gone, 1);
		gfx_eventfd_signal(q->eventfd);
		spin_unlock_irq(&g->vec[id].lock);
	}
	mutex_unlock(&g->userq_lock);
	cancel_delayed_work_sync(&g->userq_fence_work);	/* it finds userq_gone from now on */
}

/* The drm_device's end: windows kept from contexts that never acknowledged a reset. */
static void gfx_userq_fini(struct drm_device *drm, void *arg)
{
	struct gfx_dev *g = arg;

	for (u32 id = 1; id <= g->userq_count; id++) {
		if (g->vec[id].stale) {
			gfx_userq_window_free(g, g->vec[id].stale);
			gfx_userq_put(g->vec[id].stale);
			g->vec[id].stale = NULL;
		}
	}
}

/* ---- mappings ---- */

/* The first page frame of the map that page `rel` of the queue's range is in. */
static unsigned long gfx_userq_pfn(struct gfx_userq *q, unsigned long rel)
{
	struct gfx_dev *g = q->dev;

	if (rel == DRM_GFX_USERQ_MAP_DOORBELL)
		return PHYS_PFN(g->bar0_phys);
	if (rel == DRM_GFX_USERQ_MAP_REGS)
		return PHYS_PFN(g->vram_phys + GFX_CTX_PAGE(q->id));
	return PHYS_PFN(g->vram_phys + q->window_start) + rel - DRM_GFX_USERQ_MAP_WINDOW;
}

/*
 * The whole vma at once, as io_remap_pfn_range would at mmap; or the irq
 * page, which stays readable after a revoke (its `gone` says unbind).
 */
static vm_fault_t gfx_userq_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct gfx_userq *q = vma->vm_private_data;
	unsigned long rel = vma->vm_pgoff - GFX_USERQ_PGOFF(q->id), pfn;
	vm_fault_t ret = VM_FAULT_NOPAGE;

	if (rel == DRM_GFX_USERQ_MAP_IRQ) {	/* ours, not the device's: readable for good */
		get_page(q->irq_page);
		vmf->page = q->irq_page;
		return 0;
	}
	mutex_lock(&q->lock);
	if (q->revoked) {
		ret = VM_FAULT_SIGBUS;
	} else {
		pfn = gfx_userq_pfn(q, rel);
		for (unsigned long a = vma->vm_start; a < vma->vm_end && ret == VM_FAULT_NOPAGE;
		     a += PAGE_SIZE, pfn++)
			ret = vmf_insert_pfn_prot(vma, a, pfn, vma->vm_page_prot);
	}
	mutex_unlock(&q->lock);
	return ret;
}

static void gfx_userq_vm_open(struct vm_area_struct *vma)	/* a fork's copy, or a split */
{
	struct gfx_userq *q = vma->vm_private_data;

	kref_get(&q->ref);
}

static void gfx_userq_vm_close(struct vm_area_struct *vma)
{
	gfx_userq_put(vma->vm_private_data);
}

static const struct vm_operations_struct gfx_userq_vm_ops = {
	.open = gfx_userq_vm_open,
	.close = gfx_userq_vm_close,
	.fault = gfx_userq_fault,
};

/* The pages of the queue's range from `rel` that one map covers (0: none). */
static unsigned long gfx_userq_map_pages(struct gfx_userq *q, unsigned long rel)
{
	if (rel <= DRM_GFX_USERQ_MAP_IRQ)
		return 1;
	if (rel >= DRM_GFX_USERQ_MAP_WINDOW)
		return (q->window_size >> PAGE_SHIFT) -
		       min_t(u64, rel - DRM_GFX_USERQ_MAP_WINDOW, q->window_size >> PAGE_SHIFT);
	return 0;
}

/* The file's own live queue for context id, referenced; NULL if it has none there. */
static struct gfx_userq *gfx_userq_lookup(struct gfx_dev *g, u32 id, struct drm_file *file)
{
	struct gfx_ctx_vec *v = &g->vec[id];
	struct gfx_userq *q;

	if (id == GFX_MASTER_CONTEXT || id > g->userq_count)
		return NULL;
	spin_lock_irq(&v->lock);
	q = v->q;
	if (q && q->owner == file->driver_priv)
		kref_get(&q->ref);
	else
		q = NULL;
	spin_unlock_irq(&v->lock);
	return q;
}

/* mmap() in [GFX_USERQ_PGOFF(1), GFX_USERQ_PGOFF(GFX_MAX_CONTEXTS)): one map, pages come at the first access. */
int gfx_userq_mmap(struct gfx_dev *g, struct drm_file *file, struct vm_area_struct *vma)
{
	u32 id = vma->vm_pgoff >> GFX_USERQ_PGOFF_SHIFT;
	struct gfx_userq *q = gfx_userq_lookup(g, id, file);
	unsigned long rel = vma->vm_pgoff - GFX_USERQ_PGOFF(id);

	if (!q)
		return -EACCES;
	if (is_cow_mapping(vma->vm_flags) || vma_pages(vma) > gfx_userq_map_pages(q, rel) ||
	    (rel == DRM_GFX_USERQ_MAP_IRQ && (vma->vm_flags & VM_WRITE))) {
		gfx_userq_put(q);
		return is_cow_mapping(vma->vm_flags) || rel != DRM_GFX_USERQ_MAP_IRQ ? -EINVAL : -EPERM;
	}
	if (rel == DRM_GFX_USERQ_MAP_IRQ) {	/* only the handler writes it */
		vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	} else {
		vma->vm_page_prot = rel == DRM_GFX_USERQ_MAP_DOORBELL ?
				    pgprot_noncached(vma->vm_page_prot) :
				    pgprot_writecombine(vma->vm_page_prot);
		vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, 0);
	}
	vma->vm_ops = &gfx_userq_vm_ops;
	vma->vm_private_data = q;	/* the lookup's reference: the mapping's */
	return 0;
}
