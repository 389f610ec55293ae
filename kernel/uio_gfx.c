// SPDX-License-Identifier: GPL-2.0
/*
 * uio_gfx - UIO stub for the reference GPU behind a QEMU ivshmem-doorbell.
 *
 * The kernel keeps only the interrupt: check the cause word, take it with
 * an atomic exchange, count it, timestamp it and wake user space. libgfx
 * maps everything else through UIO and drives the GPU directly:
 *   map 0 "regs": ivshmem BAR0 (the doorbell), one whole page, uncached;
 *   map 1 "vram": BAR2 (register page + VRAM), write-combined;
 *   map 2 "irq":  a kernel page (struct gfx_uio_irq_page), read-only.
 * docs/kernel.md: installation and the user-space contract.
 */
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/uio_driver.h>
#include <linux/version.h>
#include <gfx_hw.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)	/* vm_flags is read-only since */
#define vm_flags_mod(vma, set, clear) ((vma)->vm_flags = ((vma)->vm_flags | (set)) & ~(clear))
#endif

#define MAP_REGS	0
#define MAP_VRAM	1
#define MAP_IRQ		2

struct gfx_uio {
	struct uio_info info;
	void __iomem *bar0;		/* ivshmem registers (doorbell) */
	void __iomem *reg;		/* first page of BAR2, write-combined */
	struct page *page;		/* the irq page */
	struct gfx_uio_irq_page *irq;
	u32 peer;			/* ivshmem peer id of the device */
	unsigned int users;		/* open files, under the UIO info_lock */
};

/* Tell the device to re-read CONTROL, IRQ_ENABLE and IRQ_MASTER. */
static void gfx_kick(struct gfx_uio *g)
{
	wmb();	/* register-page stores (WC) before the doorbell (UC) */
	writel(IVSHMEM_DOORBELL(g->peer, GFX_VECTOR_KICK),
	       g->bar0 + IVSHMEM_REG_DOORBELL);
}

/* Known state: no interrupt sources, ring stopped; the scanout keeps its image. */
static void gfx_quiesce(struct gfx_uio *g)
{
	writel(0, g->reg + GFX_REG_IRQ_ENABLE);
	writel(0, g->reg + GFX_REG_CONTROL);
	writel(1, g->reg + GFX_REG_IRQ_MASTER);
	gfx_kick(g);
}

static irqreturn_t gfx_irq(int irq, struct uio_info *info)
{
	struct gfx_uio *g = info->priv;
	struct gfx_uio_irq_page *p = g->irq;
	u32 cause = readl(g->reg + GFX_REG_IRQ_CAUSE);
	u64 now;

	/* Set with an atomic OR by the device; take them all at once. */
	if (cause && cause != ~0u)
		cause = xchg((u32 __force *)(g->reg + GFX_REG_IRQ_CAUSE), 0);
	/* Zero: an earlier run took them (coalesced); all-ones: device gone. */
	if (!cause || cause == ~0u) {
		WRITE_ONCE(p->spurious, p->spurious + 1);
		return IRQ_NONE;
	}
	now = ktime_get_ns();
	for (int i = 0; i < GFX_IRQ_NUM_CAUSES; i++) {
		if (!(cause & BIT(i)))
			continue;
		WRITE_ONCE(p->cause_count[i], p->cause_count[i] + 1);
		WRITE_ONCE(p->cause_ns[i], now);
	}
	WRITE_ONCE(p->last_ns, now);
	WRITE_ONCE(p->last_cause, cause);
	smp_store_release(&p->count, p->count + 1);	/* last: readers check it */
	return IRQ_HANDLED;
}

/* write(fd, &(s32){1 or 0}, 4): the device's interrupt master switch. */
static int gfx_irqcontrol(struct uio_info *info, s32 on)
{
	struct gfx_uio *g = info->priv;

	writel(on ? 1 : 0, g->reg + GFX_REG_IRQ_MASTER);
	gfx_kick(g);
	return 0;
}

/* open and release run under the UIO core's info_lock. */
static int gfx_open(struct uio_info *info, struct inode *inode)
{
	((struct gfx_uio *)info->priv)->users++;
	return 0;
}

/* The last close, also of a killed process, leaves the GPU quiet. */
static int gfx_release(struct uio_info *info, struct inode *inode)
{
	struct gfx_uio *g = info->priv;

	if (--g->users == 0)
		gfx_quiesce(g);
	return 0;
}

static int gfx_mmap(struct uio_info *info, struct vm_area_struct *vma)
{
	struct gfx_uio *g = info->priv;
	struct uio_mem *mem = &info->mem[vma->vm_pgoff];	/* index checked by UIO */

	switch (vma->vm_pgoff) {
	case MAP_REGS:
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
		break;
	case MAP_VRAM:
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		break;
	case MAP_IRQ:
		/* Only the handler writes it; refuse write now and mprotect later. */
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
		/* Takes a page reference: a mapping outliving the driver stays valid. */
		return vm_insert_page(vma, vma->vm_start, g->page);
	default:
		return -EINVAL;
	}
	vm_flags_mod(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP, 0);
	return io_remap_pfn_range(vma, vma->vm_start, mem->addr >> PAGE_SHIFT,
				  vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static void gfx_put_page(void *page)
{
	put_page(page);
}

static int gfx_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	resource_size_t bar0 = pci_resource_start(pdev, 0);
	struct gfx_uio *g;
	u32 magic, version;
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
	g = devm_kzalloc(dev, sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	ret = pcim_iomap_regions(pdev, BIT(0), GFX_UIO_NAME) ?:
	      pci_request_region(pdev, 2, GFX_UIO_NAME);	/* released by pcim */
	if (ret)
		return ret;
	g->bar0 = pcim_iomap_table(pdev)[0];
	/* WC like the user mapping of the same BAR: one memory type (PAT). */
	g->reg = devm_ioremap_wc(dev, pci_resource_start(pdev, 2), GFX_REG_PAGE_SIZE);
	if (!g->reg)
		return -ENOMEM;

	magic = readl(g->reg + GFX_REG_MAGIC);
	version = readl(g->reg + GFX_REG_VERSION);
	if (magic != GFX_MAGIC || version >> 16 != GFX_VERSION_MAJOR) {
		dev_info(dev, "no reference GPU here (magic %#x version %#x), leaving it alone\n",
			 magic, version);
		return -ENODEV;
	}
	g->peer = readl(g->reg + GFX_REG_DEVICE_PEER);

	pci_set_master(pdev);	/* MSI-X is a bus-master write */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);	/* freed by pcim */
	if (ret < 0)
		return ret;

	g->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!g->page || devm_add_action_or_reset(dev, gfx_put_page, g->page))
		return -ENOMEM;
	g->irq = page_address(g->page);

	g->info.name = GFX_UIO_NAME;
	g->info.version = "2.0";
	g->info.priv = g;
	g->info.irq = pci_irq_vector(pdev, 0);
	g->info.handler = gfx_irq;
	g->info.irqcontrol = gfx_irqcontrol;
	g->info.open = gfx_open;
	g->info.release = gfx_release;
	g->info.mmap = gfx_mmap;
	/* BAR0 is 256 bytes; UIO maps whole pages, "offset" says where it starts. */
	g->info.mem[MAP_REGS] = (struct uio_mem){ .name = GFX_UIO_MAP_REGS,
		.memtype = UIO_MEM_PHYS, .addr = bar0 & PAGE_MASK,
		.offs = bar0 & ~PAGE_MASK, .size = PAGE_SIZE };
	g->info.mem[MAP_VRAM] = (struct uio_mem){ .name = GFX_UIO_MAP_VRAM,
		.memtype = UIO_MEM_PHYS, .addr = pci_resource_start(pdev, 2),
		.size = pci_resource_len(pdev, 2) };
	/* addr stays 0 so sysfs shows no kernel address; gfx_mmap maps it. */
	g->info.mem[MAP_IRQ] = (struct uio_mem){ .name = GFX_UIO_MAP_IRQ,
		.memtype = UIO_MEM_LOGICAL, .size = PAGE_SIZE };

	gfx_quiesce(g);
	/*
	 * Owner NULL, or UIO pins the module while /dev/uioN is open. rmmod then
	 * acts as a hot-unplug: the core stops calling us, readers get EIO and
	 * no vma points into this module.
	 */
	ret = __uio_register_device(NULL, dev, &g->info);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, g);
	dev_info(dev, "reference GPU %u.%u, %llu MiB BAR2, device peer %u\n", version >> 16,
		 version & 0xffff, (u64)pci_resource_len(pdev, 2) >> 20, g->peer);
	return 0;
}

static void gfx_remove(struct pci_dev *pdev)
{
	struct gfx_uio *g = pci_get_drvdata(pdev);

	uio_unregister_device(&g->info);	/* frees the IRQ, wakes readers */
	gfx_quiesce(g);
}

static const struct pci_device_id gfx_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x1110) },	/* Red Hat ivshmem */
	{ }
};
MODULE_DEVICE_TABLE(pci, gfx_ids);

static struct pci_driver gfx_driver = {
	.name = GFX_UIO_NAME,
	.id_table = gfx_ids,
	.probe = gfx_probe,
	.remove = gfx_remove,
};
module_pci_driver(gfx_driver);
MODULE_DESCRIPTION("UIO stub for the reference GPU on ivshmem-doorbell");
MODULE_LICENSE("GPL");
