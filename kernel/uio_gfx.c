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

struct uio_gfx_ctx {
	struct uio_info info;
	unsigned int id;
	void __iomem *bar0;		/* ivshmem registers (doorbell) */
	u32 peer;			/* ivshmem peer id of the device */
	void __iomem *reg;		/* its register page, write-combined */
	struct page *page;		/* its irq page */
	struct gfx_uio_irq_page *irq;
	unsigned int maps;		/* the doorbell page first, the irq page last */
	unsigned int users;		/* open files, under the UIO info_lock */
	struct pid *owner;		/* the process that opened them */
	char name[16];
};

struct uio_gfx_dev {
	unsigned int n;			/* contexts registered */
	struct uio_gfx_ctx ctx[GFX_MAX_CONTEXTS];
};

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

static irqreturn_t uio_gfx_irq(int irq, struct uio_info *info)
{
	struct uio_gfx_ctx *c = info->priv;
	struct gfx_uio_irq_page *p = c->irq;
	u32 cause = readl(c->reg + GFX_REG_IRQ_CAUSE);
	u64 now;

	/* Set with an atomic OR by the device; take them all at once. */
	if (cause && cause != ~0u)
		cause = xchg((u32 __force *)(c->reg + GFX_REG_IRQ_CAUSE), 0);
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

/* write(fd, &(s32){1 or 0}, 4): the context's interrupt master switch. */
static int uio_gfx_irqcontrol(struct uio_info *info, s32 on)
{
	struct uio_gfx_ctx *c = info->priv;

	writel(on ? 1 : 0, c->reg + GFX_REG_IRQ_MASTER);
	uio_gfx_kick(c);
	return 0;
}

/*
 * Under the UIO core's info_lock. A client context has one open file (fork
 * and SCM_RIGHTS share it): free again only when all its holders closed it.
 * The master's node may be reopened only by the process holding it.
 */
static int uio_gfx_open(struct uio_info *info, struct inode *inode)
{
	struct uio_gfx_ctx *c = info->priv;

	if (c->users && (c->id != GFX_MASTER_CONTEXT || c->owner != task_tgid(current)))
		return -EBUSY;
	if (!c->users++)
		c->owner = get_pid(task_tgid(current));
	return 0;
}

/* The last close, also of a killed process, leaves the context quiet. */
static int uio_gfx_release(struct uio_info *info, struct inode *inode)
{
	struct uio_gfx_ctx *c = info->priv;

	if (--c->users)
		return 0;
	put_pid(c->owner);
	c->owner = NULL;
	uio_gfx_quiesce(c);
	return 0;
}

static int uio_gfx_mmap(struct uio_info *info, struct vm_area_struct *vma)
{
	struct uio_gfx_ctx *c = info->priv;
	struct uio_mem *mem = &info->mem[vma->vm_pgoff];	/* index checked by UIO */

	if (vma->vm_pgoff == c->maps - 1) {	/* irq: only the handler writes it */
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;	/* refuse write now and mprotect later */
		vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
		/* Takes a page reference: a mapping outliving the driver stays valid. */
		return vm_insert_page(vma, vma->vm_start, c->page);
	}
	vma->vm_page_prot = vma->vm_pgoff ? pgprot_writecombine(vma->vm_page_prot) :
			    pgprot_noncached(vma->vm_page_prot);	/* VRAM, or the doorbell */
	vm_flags_mod(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP, 0);
	return io_remap_pfn_range(vma, vma->vm_start, mem->addr >> PAGE_SHIFT,
				  vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static void uio_gfx_put_page(void *page)
{
	put_page(page);
}

/* UIO maps whole pages; "offset" says where BAR0 starts in its page. The irq map's addr stays 0. */
static void uio_gfx_add_map(struct uio_gfx_ctx *c, const char *name, phys_addr_t addr, resource_size_t size)
{
	c->info.mem[c->maps++] = (struct uio_mem){ .name = name, .size = size,
		.memtype = addr ? UIO_MEM_PHYS : UIO_MEM_LOGICAL,
		.addr = addr & PAGE_MASK, .offs = addr & ~PAGE_MASK };
}

/* Context id's UIO device: its page, its maps, its vector. */
static int uio_gfx_ctx_init(struct pci_dev *pdev, struct uio_gfx_ctx *c, unsigned int id)
{
	resource_size_t bar2 = pci_resource_start(pdev, 2);
	u32 win_off, win_size;

	c->id = id;
	c->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!c->page || devm_add_action_or_reset(&pdev->dev, uio_gfx_put_page, c->page))
		return -ENOMEM;
	/* WC like the user mappings of the same BAR: one memory type (PAT). */
	c->reg = devm_ioremap_wc(&pdev->dev, bar2 + GFX_CTX_PAGE(id), GFX_REG_PAGE_SIZE);
	if (!c->reg)
		return -ENOMEM;
	c->irq = page_address(c->page);
	win_off = readl(c->reg + GFX_REG_WINDOW_OFFSET);
	win_size = readl(c->reg + GFX_REG_WINDOW_SIZE);
	snprintf(c->name, sizeof(c->name), id ? GFX_UIO_CTX_NAME_FMT : GFX_UIO_NAME, id);
	uio_gfx_add_map(c, GFX_UIO_MAP_REGS, pci_resource_start(pdev, 0), PAGE_SIZE);
	if (id == GFX_MASTER_CONTEXT) {
		uio_gfx_add_map(c, GFX_UIO_MAP_VRAM, bar2, pci_resource_len(pdev, 2));
	} else {
		/* Never map past BAR2, whatever the device says. */
		if (win_off % PAGE_SIZE || win_size % PAGE_SIZE || !win_size ||
		    (u64)win_off + win_size > pci_resource_len(pdev, 2))
			return -EINVAL;
		uio_gfx_add_map(c, GFX_UIO_MAP_CTX, bar2 + GFX_CTX_PAGE(id), GFX_REG_PAGE_SIZE);
		uio_gfx_add_map(c, GFX_UIO_MAP_WINDOW, bar2 + win_off, win_size);
	}
	uio_gfx_add_map(c, GFX_UIO_MAP_IRQ, 0, PAGE_SIZE);
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
	return 0;
}

static void uio_gfx_unregister(struct uio_gfx_dev *g)
{
	while (g->n > 0) {
		uio_unregister_device(&g->ctx[--g->n].info);	/* frees the IRQ, wakes readers */
		put_pid(g->ctx[g->n].owner);	/* no release comes after unregistering */
		uio_gfx_quiesce(&g->ctx[g->n]);
	}
}

/* The contexts' devices: CONTEXT_COUNT, fewer if the PCI function has fewer vectors. */
static int uio_gfx_register(struct pci_dev *pdev, struct uio_gfx_dev *g, void __iomem *bar0, u32 peer,
			unsigned int n)
{
	int ret = pci_alloc_irq_vectors(pdev, 1, n, PCI_IRQ_MSIX);	/* freed by pcim */

	if (ret >= 0 && (unsigned int)ret < n)
		dev_warn(&pdev->dev, "%d MSI-X vectors for %u contexts: give QEMU vectors=%u\n", ret, n, n);
	for (int i = 0; i < ret; i++) {
		g->ctx[i].bar0 = bar0;
		g->ctx[i].peer = peer;
		/* Owner NULL: rmmod while open acts as a hot-unplug (readers get EIO). */
		if (uio_gfx_ctx_init(pdev, &g->ctx[i], i) ||
		    __uio_register_device(NULL, &pdev->dev, &g->ctx[i].info)) {
			uio_gfx_unregister(g);
			return -ENODEV;
		}
		g->n = i + 1;
	}
	return ret < 0 ? ret : 0;
}

static int uio_gfx_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct uio_gfx_dev *g;
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
	g = devm_kzalloc(dev, sizeof(*g), GFP_KERNEL);
	if (!g)
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
	pci_set_master(pdev);	/* MSI-X is a bus-master write */
	ret = uio_gfx_register(pdev, g, pcim_iomap_table(pdev)[0], readl(reg + GFX_REG_DEVICE_PEER), count);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, g);
	dev_info(dev, "reference GPU %u.%u, %llu MiB BAR2, %u contexts, device peer %u\n",
		 version >> 16, version & 0xffff, (u64)pci_resource_len(pdev, 2) >> 20, g->n,
		 g->ctx[0].peer);
	return 0;
}

static void uio_gfx_remove(struct pci_dev *pdev)
{
	uio_gfx_unregister(pci_get_drvdata(pdev));
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
