// SPDX-License-Identifier: GPL-2.0
/*
 * uio_vgpu - UIO stub for QEMU's virtio-gpu, driven from user space by
 * libgfx's virtio driver. The contract is include/uio_vgpu.h; the device is
 * the virtio 1.2 spec's. docs/virtio.md.
 *
 * The kernel keeps what user space cannot do safely: the interrupt (counted
 * and timestamped), memory the device may DMA into (a pool of coherent
 * chunks, their bus addresses in a read-only page), and the device's reset
 * before that memory is reused or freed (at the last close and at unbind),
 * so a killed process leaves no DMA aimed at memory someone else gets.
 *
 * A module of its own, not a second device in uio_gfx: it must bind only
 * when asked (no ID table, as uio_pci_generic), where uio_gfx binds to our
 * GPU by ID; and its memory (a DMA pool) and reset rules share nothing with
 * uio_gfx's.
 *
 * Mappings are filled at the first access (uio_vgpu_fault) under the lock,
 * so that unbinding zaps them for good: the BAR's faults with SIGBUS from
 * then on, and the pool's is filled with one scratch page, so a process
 * still drawing when its device goes scribbles there harmlessly until its
 * next read() says EIO; never the device or the freed pool. Open files pin
 * the module.
 *
 * Locks: the UIO core's info_lock (open, release, mmap) -> uio_vgpu.lock
 * (also taken by faults, under the mm's mmap_lock) -> i_mmap_rwsem.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
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
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <uio_vgpu.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)	/* vm_flags is read-only since */
#define vm_flags_mod(vma, set, clear) ((vma)->vm_flags = ((vma)->vm_flags | (set)) & ~(clear))
#endif
#ifndef PCI_IRQ_INTX	/* named PCI_IRQ_LEGACY before 6.8 */
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

#define UIO_VGPU_RESET_US	100000	/* a reset reads back 0 within this (QEMU: at once) */

static unsigned int pool_mib = UIO_VGPU_POOL_MIB_DEFAULT;
module_param(pool_mib, uint, 0444);
MODULE_PARM_DESC(pool_mib, "DMA pool in MiB, a multiple of 2 up to 512 (default 64)");

struct uio_vgpu {
	struct uio_info uio;
	struct kref ref;		/* the binding and each mapping */
	struct pci_dev *pdev;		/* only while bound */
	int bar;			/* the BAR with the capabilities */
	void __iomem *regs;		/* that BAR */
	struct uio_vgpu_info *info;	/* the info page */
	struct page *info_page;
	struct page *scratch;		/* the pool's every page once unbound */
	void *chunk[UIO_VGPU_MAX_CHUNKS];	/* the pool, each UIO_VGPU_CHUNK */
	unsigned int users;		/* open files, under the UIO info_lock */
	struct mutex lock;		/* what follows, against faults */
	struct inode *inode;		/* the open node, held: its mappings are what we zap */
	bool gone;			/* unbound: mappings fault with SIGBUS */
};

static void uio_vgpu_free(struct kref *ref)
{
	struct uio_vgpu *v = container_of(ref, struct uio_vgpu, ref);

	if (v->inode)
		iput(v->inode);		/* unbound while open: no release came */
	if (v->info_page)
		__free_page(v->info_page);
	if (v->scratch)
		__free_page(v->scratch);
	mutex_destroy(&v->lock);
	kfree(v);
}

/* Status 0, and wait until the device says it is reset: no DMA from it after this. */
static void uio_vgpu_reset(struct uio_vgpu *v)
{
	void __iomem *status = v->regs + v->info->common.offset +
			       offsetof(struct virtio_pci_common_cfg, device_status);
	unsigned int us;

	iowrite8(0, status);
	for (us = 0; ioread8(status) != 0 && us < UIO_VGPU_RESET_US; us += 10)
		udelay(10);
	if (us >= UIO_VGPU_RESET_US)
		dev_err(&v->pdev->dev, "the device did not reset in %u ms\n",
			UIO_VGPU_RESET_US / 1000);
}

/* MSI-X vector 0 is ours alone. INTx: reading the ISR status acks it; 0 is not ours. */
static irqreturn_t uio_vgpu_irq(int irq, struct uio_info *uio)
{
	struct uio_vgpu *v = uio->priv;
	struct uio_vgpu_info *p = v->info;

	if (!p->msix && !ioread8(v->regs + p->isr.offset)) {
		WRITE_ONCE(p->irq_refused, p->irq_refused + 1);
		return IRQ_NONE;
	}
	WRITE_ONCE(p->irq_last_ns, ktime_get_ns());
	smp_store_release(&p->irq_count, p->irq_count + 1);	/* last: readers check it */
	return IRQ_HANDLED;
}

/* Under info_lock: one process at a time; its node's inode is held to zap it later. */
static int uio_vgpu_open(struct uio_info *uio, struct inode *inode)
{
	struct uio_vgpu *v = uio->priv;

	if (v->users)
		return -EBUSY;
	mutex_lock(&v->lock);
	ihold(inode);
	v->inode = inode;
	mutex_unlock(&v->lock);
	v->users++;
	return 0;
}

/* The last close, also of a killed process: the device reset, then the pool zeroed. */
static int uio_vgpu_release(struct uio_info *uio, struct inode *inode)
{
	struct uio_vgpu *v = uio->priv;

	if (--v->users)
		return 0;
	mutex_lock(&v->lock);
	iput(v->inode);		/* no mapping is left: each holds the file */
	v->inode = NULL;
	if (!v->gone) {
		uio_vgpu_reset(v);
		for (unsigned int i = 0; i < v->info->chunks; i++)
			memset(v->chunk[i], 0, UIO_VGPU_CHUNK);
	}
	mutex_unlock(&v->lock);
	return 0;
}

/* The pfn of page pgoff of map index (uncached BAR, pool), or -1 (SIGBUS). */
static long uio_vgpu_pfn(struct uio_vgpu *v, unsigned int index, unsigned long pgoff)
{
	unsigned long per_chunk = UIO_VGPU_CHUNK >> PAGE_SHIFT;

	if (v->gone)
		return index == UIO_VGPU_MAP_POOL ? (long)page_to_pfn(v->scratch) : -1;
	if (index == UIO_VGPU_MAP_VIRTIO)
		return (pci_resource_start(v->pdev, v->bar) >> PAGE_SHIFT) + pgoff;
	if (pgoff / per_chunk >= v->info->chunks)
		return -1;
	return (long)(virt_to_phys(v->chunk[pgoff / per_chunk]) >> PAGE_SHIFT) + pgoff % per_chunk;
}

/* The whole vma at once, as remap_pfn_range would at mmap; or the info page. */
static vm_fault_t uio_vgpu_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct uio_vgpu *v = vma->vm_private_data;
	unsigned int index = vma->vm_pgoff;	/* the map; faults are always at its start */
	vm_fault_t ret = VM_FAULT_NOPAGE;
	unsigned long a, n = 0;

	mutex_lock(&v->lock);
	if (index == UIO_VGPU_MAP_INFO) {
		get_page(v->info_page);
		vmf->page = v->info_page;
		ret = 0;
	} else {
		for (a = vma->vm_start; a < vma->vm_end && ret == VM_FAULT_NOPAGE; a += PAGE_SIZE) {
			long pfn = uio_vgpu_pfn(v, index, n++);

			ret = pfn < 0 ? VM_FAULT_SIGBUS :
			      vmf_insert_pfn_prot(vma, a, pfn, vma->vm_page_prot);
		}
	}
	mutex_unlock(&v->lock);
	return ret;
}

static void uio_vgpu_vm_open(struct vm_area_struct *vma)	/* a fork's copy */
{
	struct uio_vgpu *v = vma->vm_private_data;

	kref_get(&v->ref);
}

static void uio_vgpu_vm_close(struct vm_area_struct *vma)
{
	struct uio_vgpu *v = vma->vm_private_data;

	kref_put(&v->ref, uio_vgpu_free);
}

/* A split vma would fault at an offset the handler does not expect. */
static int uio_vgpu_vm_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static const struct vm_operations_struct uio_vgpu_vm_ops = {
	.open = uio_vgpu_vm_open,
	.close = uio_vgpu_vm_close,
	.fault = uio_vgpu_fault,
	.may_split = uio_vgpu_vm_split,
};

/* Under info_lock; UIO checked the index and size. Pages come at the first access. */
static int uio_vgpu_mmap(struct uio_info *uio, struct vm_area_struct *vma)
{
	struct uio_vgpu *v = uio->priv;
	unsigned int index = vma->vm_pgoff;
	bool gone;

	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;		/* a private copy of device or DMA memory */
	mutex_lock(&v->lock);
	gone = v->gone;
	mutex_unlock(&v->lock);
	if (gone)
		return -ENODEV;
	if (index == UIO_VGPU_MAP_INFO) {	/* only the stub writes it */
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;	/* refuse write now and mprotect later */
		vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	} else {
		if (index == UIO_VGPU_MAP_VIRTIO)
			vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
		vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP, 0);
	}
	vma->vm_ops = &uio_vgpu_vm_ops;
	vma->vm_private_data = v;
	kref_get(&v->ref);
	return 0;
}

/* ---- probe: the capabilities, the pool, the vector ---- */

/* The virtio capabilities, all in one memory BAR; 0 or -ENODEV. */
static int uio_vgpu_find_caps(struct pci_dev *pdev, struct uio_vgpu *v)
{
	struct uio_vgpu_info *p = v->info;
	u8 pos, type, bar;
	u32 off, len;

	v->bar = -1;
	for (pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pdev, pos, PCI_CAP_ID_VNDR)) {
		struct uio_vgpu_cap *cap;

		pci_read_config_byte(pdev, pos + offsetof(struct virtio_pci_cap, cfg_type), &type);
		pci_read_config_byte(pdev, pos + offsetof(struct virtio_pci_cap, bar), &bar);
		pci_read_config_dword(pdev, pos + offsetof(struct virtio_pci_cap, offset), &off);
		pci_read_config_dword(pdev, pos + offsetof(struct virtio_pci_cap, length), &len);
		cap = type == VIRTIO_PCI_CAP_COMMON_CFG ? &p->common :
		      type == VIRTIO_PCI_CAP_NOTIFY_CFG ? &p->notify :
		      type == VIRTIO_PCI_CAP_ISR_CFG ? &p->isr :
		      type == VIRTIO_PCI_CAP_DEVICE_CFG ? &p->device : NULL;
		if (!cap || cap->length)
			continue;	/* another kind, or a second one of a kind: the first counts */
		if (bar > PCI_STD_NUM_BARS - 1 || (v->bar >= 0 && bar != v->bar) ||
		    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) || !len ||
		    (u64)off + len > pci_resource_len(pdev, bar))
			return -ENODEV;
		v->bar = bar;
		*cap = (struct uio_vgpu_cap){ .offset = off, .length = len };
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			pci_read_config_dword(pdev, pos + sizeof(struct virtio_pci_cap),
					      &p->notify_off_multiplier);
	}
	return p->common.length >= sizeof(struct virtio_pci_common_cfg) && p->notify.length &&
	       p->isr.length && p->device.length ? 0 : -ENODEV;
}

static void uio_vgpu_pool_free(struct pci_dev *pdev, struct uio_vgpu *v)
{
	for (unsigned int i = 0; i < v->info->chunks; i++)
		dma_free_coherent(&pdev->dev, UIO_VGPU_CHUNK, v->chunk[i], v->info->bus[i]);
	v->info->chunks = 0;
}

/* Coherent chunks, each in the kernel's direct map (so the fault handler finds its pages). */
static int uio_vgpu_pool_alloc(struct pci_dev *pdev, struct uio_vgpu *v, unsigned int chunks)
{
	struct uio_vgpu_info *p = v->info;

	for (p->chunks = 0; p->chunks < chunks; p->chunks++) {
		dma_addr_t bus;
		void *c = dma_alloc_attrs(&pdev->dev, UIO_VGPU_CHUNK, &bus, GFP_KERNEL,
					  DMA_ATTR_FORCE_CONTIGUOUS);

		if (c && is_vmalloc_addr(c)) {
			dma_free_attrs(&pdev->dev, UIO_VGPU_CHUNK, c, bus, DMA_ATTR_FORCE_CONTIGUOUS);
			c = NULL;
		}
		if (!c) {
			dev_err(&pdev->dev, "a %u MiB DMA pool: only %u MiB\n",
				chunks * (UIO_VGPU_CHUNK >> 20), p->chunks * (UIO_VGPU_CHUNK >> 20));
			uio_vgpu_pool_free(pdev, v);
			return -ENOMEM;
		}
		v->chunk[p->chunks] = c;
		p->bus[p->chunks] = bus;
	}
	return 0;
}

/* One vector: MSI-X if the device has it, else INTx (shared, checked by its ISR status). */
static int uio_vgpu_irq_setup(struct pci_dev *pdev, struct uio_vgpu *v)
{
	int n = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX | PCI_IRQ_INTX);	/* freed by pcim */

	if (n < 0)
		return n;
	v->info->msix = pdev->msix_enabled;
	v->uio.irq = pci_irq_vector(pdev, 0);
	v->uio.irq_flags = v->info->msix ? 0 : IRQF_SHARED;
	v->uio.handler = uio_vgpu_irq;
	return 0;
}

static int uio_vgpu_maps(struct pci_dev *pdev, struct uio_vgpu *v)
{
	struct uio_mem *m = v->uio.mem;

	m[UIO_VGPU_MAP_VIRTIO] = (struct uio_mem){ .name = "virtio", .memtype = UIO_MEM_PHYS,
		.addr = pci_resource_start(pdev, v->bar), .size = pci_resource_len(pdev, v->bar) };
	m[UIO_VGPU_MAP_POOL] = (struct uio_mem){ .name = "pool", .memtype = UIO_MEM_LOGICAL,
		.addr = (phys_addr_t)virt_to_phys(v->chunk[0]),
		.size = (resource_size_t)v->info->chunks * UIO_VGPU_CHUNK };
	m[UIO_VGPU_MAP_INFO] = (struct uio_mem){ .name = "info", .memtype = UIO_MEM_LOGICAL,
		.addr = (phys_addr_t)page_to_phys(v->info_page), .size = PAGE_SIZE };
	return m[UIO_VGPU_MAP_VIRTIO].addr & ~PAGE_MASK ? -ENODEV : 0;
}

static struct uio_vgpu *uio_vgpu_create(struct pci_dev *pdev)
{
	struct uio_vgpu *v = kzalloc(sizeof(*v), GFP_KERNEL);

	if (!v)
		return NULL;
	kref_init(&v->ref);
	mutex_init(&v->lock);
	v->pdev = pdev;
	v->info_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	v->scratch = alloc_page(GFP_KERNEL);
	if (!v->info_page || !v->scratch) {
		kref_put(&v->ref, uio_vgpu_free);
		return NULL;
	}
	v->info = page_address(v->info_page);
	v->info->magic = UIO_VGPU_MAGIC;
	v->info->version = UIO_VGPU_VERSION;
	v->uio.name = UIO_VGPU_NAME;
	v->uio.version = "1";
	v->uio.priv = v;
	v->uio.open = uio_vgpu_open;
	v->uio.release = uio_vgpu_release;
	v->uio.mmap = uio_vgpu_mmap;
	return v;
}

static int uio_vgpu_setup(struct pci_dev *pdev, struct uio_vgpu *v)
{
	int ret;

	if (uio_vgpu_find_caps(pdev, v)) {
		dev_info(&pdev->dev, "no modern virtio capabilities in one memory BAR\n");
		return -ENODEV;
	}
	ret = pcim_iomap_regions(pdev, BIT(v->bar), UIO_VGPU_NAME);
	if (ret)
		return ret;
	v->regs = pcim_iomap_table(pdev)[v->bar];
	uio_vgpu_reset(v);	/* quiet before the pool and the vector exist */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64)) ?:
	      uio_vgpu_pool_alloc(pdev, v, pool_mib >> 1);
	if (ret)
		return ret;
	ret = uio_vgpu_irq_setup(pdev, v) ?: uio_vgpu_maps(pdev, v);
	if (ret)
		uio_vgpu_pool_free(pdev, v);
	return ret;
}

static int uio_vgpu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct uio_vgpu *v;
	int ret;

	if (pdev->vendor != PCI_VENDOR_ID_REDHAT_QUMRANET || pdev->device != 0x1050) {
		dev_info(&pdev->dev, "not a modern virtio-gpu (1af4:1050), leaving it alone\n");
		return -ENODEV;
	}
	if (pool_mib < 2 || pool_mib % 2 || pool_mib / 2 > UIO_VGPU_MAX_CHUNKS) {
		dev_err(&pdev->dev, "pool_mib=%u: want an even number from 2 to %u\n", pool_mib,
			UIO_VGPU_MAX_CHUNKS * 2);
		return -EINVAL;
	}
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	v = uio_vgpu_create(pdev);
	if (!v)
		return -ENOMEM;
	pci_set_master(pdev);	/* DMA, and MSI-X is a bus-master write */
	ret = uio_vgpu_setup(pdev, v);
	if (!ret) {
		ret = uio_register_device(&pdev->dev, &v->uio);
		if (ret)
			uio_vgpu_pool_free(pdev, v);
	}
	if (ret) {
		kref_put(&v->ref, uio_vgpu_free);
		return ret;
	}
	pci_set_drvdata(pdev, v);
	dev_info(&pdev->dev, "virtio-gpu for user space: BAR%d, %u MiB DMA pool, %s\n", v->bar,
		 v->info->chunks * (UIO_VGPU_CHUNK >> 20), v->info->msix ? "MSI-X" : "INTx");
	return 0;
}

/*
 * Unbind, also with the node open and mapped: unregistered (its IRQ freed;
 * a reader gets EIO), every mapping zapped, the device reset, then the pool
 * freed. A mapping left over faults: the BAR's with SIGBUS, the pool's into
 * the scratch page.
 */
static void uio_vgpu_remove(struct pci_dev *pdev)
{
	struct uio_vgpu *v = pci_get_drvdata(pdev);

	WRITE_ONCE(v->info->gone, 1);
	uio_unregister_device(&v->uio);
	mutex_lock(&v->lock);
	v->gone = true;
	if (v->inode)
		unmap_mapping_range(v->inode->i_mapping, 0, 0, 1);
	mutex_unlock(&v->lock);
	uio_vgpu_reset(v);
	uio_vgpu_pool_free(pdev, v);
	v->pdev = NULL;
	kref_put(&v->ref, uio_vgpu_free);
}

/* No ID table: bound only through driver_override (or new_id), never by surprise. */
static struct pci_driver uio_vgpu_driver = {
	.name = UIO_VGPU_NAME,
	.id_table = NULL,
	.probe = uio_vgpu_probe,
	.remove = uio_vgpu_remove,
};
module_pci_driver(uio_vgpu_driver);
MODULE_DESCRIPTION("UIO stub for virtio-gpu, driven from user space");
MODULE_LICENSE("GPL");
