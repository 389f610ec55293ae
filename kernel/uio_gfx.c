// SPDX-License-Identifier: GPL-2.0
/*
 * uio_gfx - UIO stub for the reference GPU behind a QEMU ivshmem-doorbell.
 *
 * The kernel keeps only the interrupt: check the cause word, take it with
 * an atomic exchange, count it, timestamp it and wake user space. libgfx
 * maps everything else and drives the GPU directly. One UIO device per
 * hardware context, on its MSI-X vector (gfx_hw.h: names and maps): the
 * doorbell page (uncached), the master's whole BAR2 or a client's register
 * page and VRAM window (write-combined), and an irq page (read-only). Opens
 * are exclusive; the last close quiesces that context. docs/kernel.md.
 *
 * What it hands out it can take back: mappings are filled at the first
 * access (uio_gfx_fault) under the context's lock, so that revoking a
 * context -- on unbind, or when the master takes a client context back
 * (GFX_UIO_REVOKE) -- zaps every mapping of it for good: the next access is
 * a SIGBUS, never the device. A revoked context stays refused until all its
 * holders have closed it. Open files pin the module (and mappings pin their
 * file), so the fault handler outlives no mapping; unbind is the hot-unplug.
 *
 * Locks: the UIO core's info_lock (open, release, mmap, irqcontrol) ->
 * uio_gfx_ctx.lock (also taken by faults, under the mm's mmap_lock) ->
 * the mapping's i_mmap_rwsem (unmap_mapping_range).
 */
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uio_driver.h>
#include <linux/version.h>
#include <gfx_hw.h>
#include "gfx_irq_page.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)	/* vm_flags is read-only since */
#define vm_flags_mod(vma, set, clear) ((vma)->vm_flags = ((vma)->vm_flags | (set)) & ~(clear))
#endif

struct uio_gfx_ctx;

/* vma->vm_private_data: which map of which context (a split vma keeps it). */
struct uio_gfx_map {
	struct uio_gfx_ctx *ctx;
	unsigned int index;		/* the UIO map index, the mmap offset in pages */
};

struct uio_gfx_ctx {
	struct uio_info info;
	struct kref ref;		/* the binding and each mapping */
	struct uio_gfx_dev *dev;	/* only while bound */
	unsigned int id;
	void __iomem *bar0;		/* ivshmem registers (doorbell) */
	u32 peer;			/* ivshmem peer id of the device */
	void __iomem *reg;		/* its register page, write-combined */
	struct page *page;		/* its irq page */
	struct gfx_uio_irq_page *irq;
	unsigned int maps;		/* the doorbell page first, the irq page last */
	struct uio_gfx_map map[MAX_UIO_MAPS];
	unsigned int users;		/* open files, under the UIO info_lock */
	struct pid *owner;		/* the process that opened them, likewise */
	struct mutex lock;		/* what follows, against faults */
	struct inode *inode;		/* the open node, held: its mappings are what we zap */
	bool revoked;			/* taken back: refused until closed */
	bool gone;			/* unbound */
	char name[16];
};

struct uio_gfx_dev {
	resource_size_t bar2, bar2_len;	/* reserved write-combined (PAT) */
	unsigned int n;			/* contexts registered */
	struct uio_gfx_ctx *ctx[GFX_MAX_CONTEXTS];
};

static void uio_gfx_ctx_free(struct kref *ref)
{
	struct uio_gfx_ctx *c = container_of(ref, struct uio_gfx_ctx, ref);

	put_pid(c->owner);
	if (c->inode)
		iput(c->inode);	/* unbound while open: no release came */
	if (c->page)
		put_page(c->page);
	mutex_destroy(&c->lock);
	kfree(c);
}

/* Tell the device to look at c's CONTROL, IRQ_ENABLE and IRQ_MASTER. */
static void uio_gfx_kick(struct uio_gfx_ctx *c)
{
	wmb();	/* register-page stores (WC) before the doorbell (UC) */
	writel(IVSHMEM_DOORBELL(c->peer, GFX_CTX_VECTOR(c->id)), c->bar0 + IVSHMEM_REG_DOORBELL);
}

/* No interrupt sources, ring stopped (a client's also reset); the scanout stays. */
static void uio_gfx_quiesce(struct uio_gfx_ctx *c)
{
	writel(0, c->reg + GFX_REG_IRQ_ENABLE);
	writel(c->id == GFX_MASTER_CONTEXT ? 0 : GFX_CTRL_RESET, c->reg + GFX_REG_CONTROL);
	writel(1, c->reg + GFX_REG_IRQ_MASTER);
	uio_gfx_kick(c);
}

/*
 * Always IRQ_HANDLED: an MSI-X vector is never shared, and any holder of
 * the doorbell page can raise any vector of ours (ivshmem rings peers by
 * id, ourselves included). IRQ_NONE would let such a flood make the core's
 * spurious-interrupt detector switch the master's vector off for good.
 */
static irqreturn_t uio_gfx_irq(int irq, struct uio_info *info)
{
	struct uio_gfx_ctx *c = info->priv;
	struct gfx_uio_irq_page *p = c->irq;
	u32 cause = readl(c->reg + GFX_REG_IRQ_CAUSE);

	/* Set with an atomic OR by the device; take them all at once. */
	if (cause && cause != ~0u)
		cause = xchg((u32 __force *)(c->reg + GFX_REG_IRQ_CAUSE), 0);
	/* Zero: an earlier run took them (coalesced), or someone else's doorbell. */
	if (!cause || cause == ~0u) {
		WRITE_ONCE(p->spurious, p->spurious + 1);
		return IRQ_HANDLED;
	}
	gfx_irq_page_record(p, cause, ktime_get_ns());
	return IRQ_HANDLED;
}

/* Under c->lock: every mapping of c's node goes; faults decide what comes back. */
static void uio_gfx_zap(struct uio_gfx_ctx *c)
{
	lockdep_assert_held(&c->lock);
	if (c->inode)
		unmap_mapping_range(c->inode->i_mapping, 0, 0, 1);
}

/* The master takes client context id back from whoever holds it (GFX_UIO_REVOKE). */
static int uio_gfx_revoke(struct uio_gfx_dev *d, u32 id)
{
	struct uio_gfx_ctx *c;

	if (id == GFX_MASTER_CONTEXT || id >= d->n)
		return -EINVAL;
	c = d->ctx[id];
	mutex_lock(&c->lock);
	if (!c->gone && c->inode) {	/* held: a free context has nothing to take */
		c->revoked = true;
		uio_gfx_zap(c);
		uio_gfx_quiesce(c);
	}
	mutex_unlock(&c->lock);
	return 0;
}

/* write(fd, &(s32){...}, 4), under info_lock: gfx_hw.h, "UIO stub". */
static int uio_gfx_irqcontrol(struct uio_info *info, s32 val)
{
	struct uio_gfx_ctx *c = info->priv;
	bool revoked;

	if ((val & ~0xff) == GFX_UIO_REVOKE_BASE && c->id == GFX_MASTER_CONTEXT)
		return uio_gfx_revoke(c->dev, val & 0xff);
	if (val != 0 && val != 1)
		return -EINVAL;
	mutex_lock(&c->lock);
	revoked = c->revoked;
	mutex_unlock(&c->lock);
	if (revoked)
		return -EACCES;
	writel(val, c->reg + GFX_REG_IRQ_MASTER);
	uio_gfx_kick(c);
	return 0;
}

/*
 * Under info_lock. A client context has one open file (fork and SCM_RIGHTS
 * share it): free again only when all its holders closed it. The master's
 * node may be reopened only by the process holding it, through the same
 * node (a revoke or unbind zaps one node's mappings). The node's inode is
 * held until the last close, or the context's end if it is unbound first.
 */
static int uio_gfx_open(struct uio_info *info, struct inode *inode)
{
	struct uio_gfx_ctx *c = info->priv;
	int ret = 0;

	if (c->users && (c->id != GFX_MASTER_CONTEXT || c->owner != task_tgid(current)))
		return -EBUSY;
	mutex_lock(&c->lock);
	if (c->users && c->inode != inode) {
		ret = -EBUSY;
	} else if (!c->users) {
		ihold(inode);
		c->inode = inode;
	}
	mutex_unlock(&c->lock);
	if (!ret && !c->users++)
		c->owner = get_pid(task_tgid(current));
	return ret;
}

/* The last close, also of a killed process, leaves the context quiet and free. */
static int uio_gfx_release(struct uio_info *info, struct inode *inode)
{
	struct uio_gfx_ctx *c = info->priv;

	if (--c->users)
		return 0;
	put_pid(c->owner);
	c->owner = NULL;
	mutex_lock(&c->lock);
	iput(c->inode);		/* no mapping is left: each holds the file */
	c->inode = NULL;
	c->revoked = false;
	mutex_unlock(&c->lock);
	uio_gfx_quiesce(c);
	return 0;
}

/* The whole vma at once, as io_remap_pfn_range would at mmap; or the irq page. */
static vm_fault_t uio_gfx_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct uio_gfx_map *m = vma->vm_private_data;
	struct uio_gfx_ctx *c = m->ctx;
	struct uio_mem *mem = &c->info.mem[m->index];
	unsigned long pfn = (mem->addr >> PAGE_SHIFT) + vma->vm_pgoff - m->index;
	vm_fault_t ret = VM_FAULT_NOPAGE;

	mutex_lock(&c->lock);
	if (c->gone || c->revoked) {
		ret = VM_FAULT_SIGBUS;
	} else if (m->index == c->maps - 1) {
		get_page(c->page);
		vmf->page = c->page;
		ret = 0;
	} else {
		for (unsigned long a = vma->vm_start; a < vma->vm_end && ret == VM_FAULT_NOPAGE;
		     a += PAGE_SIZE, pfn++)
			ret = vmf_insert_pfn_prot(vma, a, pfn, vma->vm_page_prot);
	}
	mutex_unlock(&c->lock);
	return ret;
}

static void uio_gfx_vm_open(struct vm_area_struct *vma)	/* a fork's copy, or a split */
{
	struct uio_gfx_map *m = vma->vm_private_data;

	kref_get(&m->ctx->ref);
}

static void uio_gfx_vm_close(struct vm_area_struct *vma)
{
	struct uio_gfx_map *m = vma->vm_private_data;

	kref_put(&m->ctx->ref, uio_gfx_ctx_free);
}

static const struct vm_operations_struct uio_gfx_vm_ops = {
	.open = uio_gfx_vm_open,
	.close = uio_gfx_vm_close,
	.fault = uio_gfx_fault,
};

/* Under info_lock; the index is checked by UIO, the pages come at the first access. */
static int uio_gfx_mmap(struct uio_info *info, struct vm_area_struct *vma)
{
	struct uio_gfx_ctx *c = info->priv;
	unsigned int index = vma->vm_pgoff;
	int ret = 0;

	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;		/* a private copy of device memory */
	mutex_lock(&c->lock);
	if (c->gone)
		ret = -ENODEV;
	else if (c->revoked)
		ret = -EACCES;
	mutex_unlock(&c->lock);
	if (ret)
		return ret;
	if (index == c->maps - 1) {	/* irq: only the handler writes it */
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;	/* refuse write now and mprotect later */
		vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	} else {
		vma->vm_page_prot = index ? pgprot_writecombine(vma->vm_page_prot) :
				    pgprot_noncached(vma->vm_page_prot);	/* VRAM, or the doorbell */
		vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, 0);
	}
	vma->vm_ops = &uio_gfx_vm_ops;
	vma->vm_private_data = &c->map[index];
	kref_get(&c->ref);
	return 0;
}

/* UIO maps whole pages; "offset" says where BAR0 starts in its page. The irq map's addr stays 0. */
static void uio_gfx_add_map(struct uio_gfx_ctx *c, const char *name, phys_addr_t addr,
			    resource_size_t size)
{
	c->map[c->maps] = (struct uio_gfx_map){ .ctx = c, .index = c->maps };
	c->info.mem[c->maps++] = (struct uio_mem){ .name = name, .size = size,
		.memtype = addr ? UIO_MEM_PHYS : UIO_MEM_LOGICAL,
		.addr = addr & PAGE_MASK, .offs = addr & ~PAGE_MASK };
}

/* The maps of context c: the doorbell page, its memory, its irq page. */
static int uio_gfx_ctx_maps(struct pci_dev *pdev, struct uio_gfx_ctx *c)
{
	resource_size_t bar2 = pci_resource_start(pdev, 2), len = pci_resource_len(pdev, 2);
	u32 win_off = readl(c->reg + GFX_REG_WINDOW_OFFSET);
	u32 win_size = readl(c->reg + GFX_REG_WINDOW_SIZE);

	uio_gfx_add_map(c, GFX_UIO_MAP_REGS, pci_resource_start(pdev, 0), PAGE_SIZE);
	if (c->id == GFX_MASTER_CONTEXT) {
		uio_gfx_add_map(c, GFX_UIO_MAP_VRAM, bar2, len);
	} else {
		/* Never map past BAR2, whatever the device says. */
		if (win_off % PAGE_SIZE || win_size % PAGE_SIZE || !win_size ||
		    (u64)win_off + win_size > len)
			return -EINVAL;
		uio_gfx_add_map(c, GFX_UIO_MAP_CTX, bar2 + GFX_CTX_PAGE(c->id), GFX_REG_PAGE_SIZE);
		uio_gfx_add_map(c, GFX_UIO_MAP_WINDOW, bar2 + win_off, win_size);
	}
	uio_gfx_add_map(c, GFX_UIO_MAP_IRQ, 0, PAGE_SIZE);
	return 0;
}

/* Context id's UIO device: its page, its maps, its vector. */
static struct uio_gfx_ctx *uio_gfx_ctx_create(struct pci_dev *pdev, struct uio_gfx_dev *d,
					      void __iomem *bar0, u32 peer, unsigned int id)
{
	struct uio_gfx_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	kref_init(&c->ref);
	mutex_init(&c->lock);
	c->dev = d;
	c->id = id;
	c->bar0 = bar0;
	c->peer = peer;
	c->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	/* WC like the user mappings of the same BAR: one memory type (PAT). */
	c->reg = devm_ioremap_wc(&pdev->dev, pci_resource_start(pdev, 2) + GFX_CTX_PAGE(id),
				 GFX_REG_PAGE_SIZE);
	if (!c->page || !c->reg || uio_gfx_ctx_maps(pdev, c)) {
		kref_put(&c->ref, uio_gfx_ctx_free);
		return NULL;
	}
	c->irq = page_address(c->page);
	snprintf(c->name, sizeof(c->name), id ? GFX_UIO_CTX_NAME_FMT : GFX_UIO_NAME, id);
	c->info.name = c->name;
	c->info.version = "2.0";
	c->info.priv = c;
	c->info.irq = pci_irq_vector(pdev, GFX_CTX_VECTOR(id));
	c->info.handler = uio_gfx_irq;
	c->info.irqcontrol = uio_gfx_irqcontrol;
	c->info.open = uio_gfx_open;
	c->info.release = uio_gfx_release;
	c->info.mmap = uio_gfx_mmap;
	uio_gfx_quiesce(c);
	return c;
}

/*
 * Unbind (also with the nodes open and mapped): each context unregistered
 * (its IRQ freed; poll says POLLERR and read EIO, so a process waiting on
 * its fd learns first), then every mapping zapped, then the context quiet.
 * A mapping left over faults to SIGBUS, never the device. The master goes
 * first: after it, no revoke (its write) can look at the others.
 */
static void uio_gfx_unregister(struct uio_gfx_dev *d)
{
	for (unsigned int i = 0; i < d->n; i++) {
		struct uio_gfx_ctx *c = d->ctx[i];

		uio_unregister_device(&c->info);
		mutex_lock(&c->lock);
		c->gone = true;
		uio_gfx_zap(c);
		mutex_unlock(&c->lock);
		c->dev = NULL;
		uio_gfx_quiesce(c);
		kref_put(&c->ref, uio_gfx_ctx_free);
	}
	d->n = 0;
}

/* The contexts' devices: CONTEXT_COUNT, fewer if the PCI function has fewer vectors. */
static int uio_gfx_register(struct pci_dev *pdev, struct uio_gfx_dev *d, void __iomem *bar0,
			    u32 peer, unsigned int n)
{
	int ret = pci_alloc_irq_vectors(pdev, 1, n, PCI_IRQ_MSIX);	/* freed by pcim */

	if (ret >= 0 && (unsigned int)ret < n)
		dev_warn(&pdev->dev, "%d MSI-X vectors for %u contexts: give QEMU vectors=%u\n",
			 ret, n, n);
	for (int i = 0; i < ret; i++) {
		struct uio_gfx_ctx *c = uio_gfx_ctx_create(pdev, d, bar0, peer, i);

		/* Open files pin the module: rmmod waits for them, unbind does not. */
		if (!c || uio_register_device(&pdev->dev, &c->info)) {
			if (c)
				kref_put(&c->ref, uio_gfx_ctx_free);
			uio_gfx_unregister(d);
			return -ENODEV;
		}
		d->ctx[d->n++] = c;
	}
	return ret < 0 ? ret : 0;
}

static int uio_gfx_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct uio_gfx_dev *d;
	void __iomem *reg;
	u32 magic, version, count;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    !(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 2) < GFX_VRAM_START + GFX_REG_PAGE_SIZE) {
		dev_info(dev, "ivshmem device without usable BARs, not a reference GPU\n");
		return -ENODEV;
	}
	d = devm_kzalloc(dev, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	ret = pcim_iomap_regions(pdev, BIT(0), GFX_UIO_NAME) ?:
	      pci_request_region(pdev, 2, GFX_UIO_NAME);	/* released by pcim */
	if (ret)
		return ret;
	reg = devm_ioremap_wc(dev, pci_resource_start(pdev, 2), GFX_REG_PAGE_SIZE);
	if (!reg)
		return -ENOMEM;
	magic = readl(reg + GFX_REG_MAGIC);
	version = readl(reg + GFX_REG_VERSION);
	count = readl(reg + GFX_REG_CONTEXT_COUNT);
	if (magic != GFX_MAGIC || version >> 16 != GFX_VERSION_MAJOR || !count ||
	    count > GFX_MAX_CONTEXTS) {
		dev_info(dev, "no reference GPU here (magic %#x version %#x), leaving it alone\n",
			 magic, version);
		return -ENODEV;
	}
	/* Faults insert BAR2 pages with the memory type reserved here: WC. */
	d->bar2 = pci_resource_start(pdev, 2);
	d->bar2_len = pci_resource_len(pdev, 2);
	ret = arch_io_reserve_memtype_wc(d->bar2, d->bar2_len);
	if (ret)
		return ret;
	pci_set_master(pdev);	/* MSI-X is a bus-master write */
	ret = uio_gfx_register(pdev, d, pcim_iomap_table(pdev)[0], readl(reg + GFX_REG_DEVICE_PEER),
			       count);
	if (ret) {
		arch_io_free_memtype_wc(d->bar2, d->bar2_len);
		return ret;
	}
	pci_set_drvdata(pdev, d);
	dev_info(dev, "reference GPU %u.%u, %llu MiB BAR2, %u contexts, device peer %u\n",
		 version >> 16, version & 0xffff, (u64)d->bar2_len >> 20, d->n, d->ctx[0]->peer);
	return 0;
}

static void uio_gfx_remove(struct pci_dev *pdev)
{
	struct uio_gfx_dev *d = pci_get_drvdata(pdev);

	uio_gfx_unregister(d);
	arch_io_free_memtype_wc(d->bar2, d->bar2_len);
}

static const struct pci_device_id uio_gfx_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x1110) },	/* Red Hat ivshmem */
	{ }
};
MODULE_DEVICE_TABLE(pci, uio_gfx_ids);

static struct pci_driver uio_gfx_driver = {
	.name = GFX_UIO_NAME,
	.id_table = uio_gfx_ids,
	.probe = uio_gfx_probe,
	.remove = uio_gfx_remove,
};
module_pci_driver(uio_gfx_driver);
MODULE_DESCRIPTION("UIO stub for the reference GPU on ivshmem-doorbell");
MODULE_LICENSE("GPL");
