// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm: job fences. Their dma_fence ops, the fence interrupt asked for
 * only while someone waits, and the fence page user space reads instead of
 * asking.
 *
 * Every job's FENCE command carries GFX_FENCE_IRQ, but GFX_IRQ_FENCE is in
 * IRQ_ENABLE only while fence_irq_users > 0: a sleeping WAIT, a writer
 * waiting for ring space, or a fence whose signalling someone enabled (a
 * dma_fence_wait(), a syncobj or sync_file waiter, a PRIME importer). The
 * other jobs are signalled by whatever interrupt or poll comes next (a
 * flip, a vblank, a WAIT that polls, the hangcheck while the ring is busy),
 * which is what a compositor's frame gives anyway.
 *
 * The fence page is a kernel page mapped read-only into any process that
 * asks (DRM_GFX_PARAM_FENCE_PAGE): seqno_done and errors, written under
 * gfx_dev.lock as jobs are signalled (struct drm_gfx_fence_page).
 */
#include <linux/mm.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include "gfx_drm_drv.h"

/*
 * Take (+1) or drop (-1) a reason to have GFX_IRQ_FENCE on; any context.
 * The count and the bit change together under irq_lock, so a get and a
 * put that race cannot leave the interrupt off with a waiter counted.
 * kick: ring the doorbell too, so that a FENCE cause the device raised
 * while the interrupt was off is delivered now (the device delivers a
 * pending cause that was enabled since its last look at a doorbell).
 */
static void gfx_fence_irq_ref(struct gfx_dev *g, int delta, bool kick)
{
	unsigned long flags;
	bool on;

	spin_lock_irqsave(&g->irq_lock, flags);
	g->fence_irq_users += delta;
	on = g->fence_irq_users > 0;
	if (on != !!(g->irq_enable & GFX_IRQ_FENCE) || kick) {
		if (on != !!(g->irq_enable & GFX_IRQ_FENCE))
			g->irq_enable ^= GFX_IRQ_FENCE;
		gfx_irq_write_locked(g, kick);
	}
	spin_unlock_irqrestore(&g->irq_lock, flags);
}

void gfx_fence_irq_get(struct gfx_dev *g)
{
	gfx_fence_irq_ref(g, 1, false);
}

void gfx_fence_irq_put(struct gfx_dev *g)
{
	gfx_fence_irq_ref(g, -1, false);
}

static const char *gfx_fence_driver_name(struct dma_fence *fence)
{
	return GFX_DRM_NAME;
}

static const char *gfx_fence_timeline_name(struct dma_fence *fence)
{
	return "ring";
}

/*
 * Someone will wait for this job's fence (called with its fence_lock held,
 * interrupts off): have its interrupt raised. A job the device finished
 * while the interrupt was off has its FENCE cause pending: the doorbell
 * has it delivered, and the interrupt signals the job as any other, so the
 * fence page is written before anyone is woken (never the core's "already
 * signalled" shortcut, which would wake waiters ahead of the page).
 */
static bool gfx_fence_enable_signaling(struct dma_fence *fence)
{
	struct gfx_job *job = to_gfx_job(fence);
	struct gfx_dev *g = job->dev;

	job->irq_ref = true;	/* dropped by gfx_fence_signalled() */
	gfx_fence_irq_ref(g, 1, (s64)(gfx_rd64(g, GFX_REG_FENCE_DONE) - fence->seqno) >= 0);
	return true;
}

/* Jobs are signalled from the interrupt; release is dma_fence_free(). */
const struct dma_fence_ops gfx_fence_ops = {
	.use_64bit_seqno = true,
	.get_driver_name = gfx_fence_driver_name,
	.get_timeline_name = gfx_fence_timeline_name,
	.enable_signaling = gfx_fence_enable_signaling,
};

/* Under lock, before the job's fence is signalled: the fence page first (the uapi's order). */
void gfx_fence_page_write(struct gfx_dev *g, struct gfx_job *job)
{
	struct drm_gfx_fence_page *fp = g->fence_map;

	if (job->fence.error)	/* rejected, hung or unbound */
		WRITE_ONCE(fp->errors, fp->errors + 1);
	smp_wmb();	/* errors before the seqno that covers them */
	WRITE_ONCE(fp->seqno_done, job->fence.seqno);
}

/*
 * Under lock, after the job's fence was signalled: once signalled, no
 * enable_signaling can run for it, so irq_ref is stable here.
 */
void gfx_fence_signalled(struct gfx_dev *g, struct gfx_job *job)
{
	if (job->irq_ref) {
		job->irq_ref = false;
		gfx_fence_irq_put(g);
	}
}

/* The device's starting point (gfx_ring_init). */
void gfx_fence_page_reset(struct gfx_dev *g, u64 seqno_done)
{
	WRITE_ONCE(g->fence_map->seqno_done, seqno_done);
}

static void gfx_fence_page_free(struct drm_device *drm, void *page)
{
	__free_page(page);
}

int gfx_fence_page_init(struct gfx_dev *g)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	g->fence_page = page;
	g->fence_map = page_address(page);
	return drmm_add_action_or_reset(&g->drm, gfx_fence_page_free, page);
}

/*
 * Faulted in, not mapped at mmap() time: unbind zaps every mapping of the
 * DRM file (gfx_ring_fini), and this brings the page back on the next
 * read, frozen where unbind left it (every job signalled, the dropped ones
 * counted in errors), rather than a SIGBUS. The page lives as long as the
 * drm_device, which each open file (and so each mapping) holds.
 */
static vm_fault_t gfx_fence_fault(struct vm_fault *vmf)
{
	struct page *page = vmf->vma->vm_private_data;

	return vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(page));
}

static const struct vm_operations_struct gfx_fence_vm_ops = {
	.fault = gfx_fence_fault,
};

/* mmap() of the fence page: one page, read-only, never writable later. */
static int gfx_fence_page_mmap(struct gfx_dev *g, struct vm_area_struct *vma)
{
	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vm_flags_mod(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	vma->vm_private_data = g->fence_page;
	vma->vm_ops = &gfx_fence_vm_ops;
	return 0;
}

/* The DRM file's mmap: the fence page at its offset, GEM objects elsewhere. */
int gfx_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct drm_file *priv = filp->private_data;

	if (vma->vm_pgoff == GFX_FENCE_PAGE_PGOFF)
		return gfx_fence_page_mmap(to_gfx(priv->minor->dev), vma);
	if (vma->vm_pgoff >= GFX_USERQ_PGOFF(1) && vma->vm_pgoff < GFX_USERQ_PGOFF(GFX_MAX_CONTEXTS))
		return gfx_userq_mmap(to_gfx(priv->minor->dev), priv, vma);
	return drm_gem_mmap(filp, vma);
}
