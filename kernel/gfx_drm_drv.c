// SPDX-License-Identifier: GPL-2.0
/*
 * gfx_drm - DRM/KMS driver for the reference GPU behind a QEMU
 * ivshmem-doorbell (docs/hardware.md): GEM objects in VRAM, a kernel-owned
 * ring fed by a validating submit ioctl, dma_fences and syncobjs, and KMS
 * with flips through the ring. This file: PCI binding, the interrupt,
 * GET_PARAM and per-file state. docs/drm.md explains the design.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_module.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>
#include "gfx_drm_drv.h"

static const struct {
	u32 fourcc, cpp;
} gfx_known_formats[] = {
	{ GFX_FMT_XRGB8888, 4 }, { GFX_FMT_ARGB8888, 4 }, { GFX_FMT_XBGR8888, 4 },
	{ GFX_FMT_ABGR8888, 4 }, { GFX_FMT_RGB565, 2 },
};

static u32 gfx_known_cpp(u32 fourcc)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(gfx_known_formats); i++)
		if (gfx_known_formats[i].fourcc == fourcc)
			return gfx_known_formats[i].cpp;
	return 0;
}

u32 gfx_format_cpp(struct gfx_dev *g, u32 fourcc)
{
	for (unsigned int i = 0; i < g->num_formats; i++)
		if (g->formats[i] == fourcc)
			return gfx_known_cpp(fourcc);
	return 0;
}

/*
 * IRQ_ENABLE: ERROR and FLIP_DONE always; VBLANK while DRM wants it; FENCE
 * while someone waits for a job (gfx_fence_irq_get/put, gfx_drm_fence.c).
 * The device samples IRQ_ENABLE whenever it raises a cause, so only causes
 * already pending need the doorbell (kick) to be delivered now. VBLANK does
 * not: its next vblank comes soon enough. Measured in the TCG guest
 * (gfx-vm-kms-uapi past): a wait that must switch VBLANK on took 3.2-4.2 ms
 * with the kick and 0.2-1.7 ms without.
 */
/* Under irq_lock: IRQ_ENABLE from g->irq_enable. */
void gfx_irq_write_locked(struct gfx_dev *g, bool kick)
{
	int idx;

	lockdep_assert_held(&g->irq_lock);
	if (drm_dev_enter(&g->drm, &idx)) {
		gfx_wr(g, GFX_REG_IRQ_ENABLE, g->irq_enable);
		/*
		 * Before any look at what the device did (FENCE_DONE): it ORs a
		 * cause (a full barrier) before it samples IRQ_ENABLE, so either
		 * it sees the new mask or the caller sees its progress.
		 */
		mb();
		if (kick)
			gfx_kick(g);
		drm_dev_exit(idx);
	}
}

void gfx_irq_enable(struct gfx_dev *g, u32 bits, bool on, bool kick)
{
	unsigned long flags;

	spin_lock_irqsave(&g->irq_lock, flags);
	g->irq_enable = on ? g->irq_enable | bits : g->irq_enable & ~bits;
	gfx_irq_write_locked(g, kick);
	spin_unlock_irqrestore(&g->irq_lock, flags);
}

static irqreturn_t gfx_irq(int irq, void *arg)
{
	struct gfx_dev *g = arg;
	u64 now = ktime_get_ns();	/* first: the clock filter wants the earliest time */
	u32 cause = gfx_rd(g, GFX_REG_IRQ_CAUSE);

	/* Set with an atomic OR by the device; take them all at once. */
	if (cause && cause != ~0u)
		cause = xchg((u32 __force *)(g->reg + GFX_REG_IRQ_CAUSE), 0);
	/* Zero: an earlier run took them (coalesced); all-ones: device gone. */
	if (!cause || cause == ~0u)
		return IRQ_NONE;
	/* Before the flips: a FLIP_DONE's event carries its vblank's count and time. */
	if (cause & GFX_IRQ_VBLANK) {
		gfx_clock_sample(g, now);
		drm_crtc_handle_vblank(&g->crtc);
	}
	/* Counters, not cause bits, say what happened (interrupts coalesce). */
	gfx_poll(g);
	return IRQ_HANDLED;
}

static void gfx_file_release(struct kref *ref)
{
	kfree(container_of(ref, struct gfx_file, ref));
}

void gfx_file_put(struct gfx_file *file)
{
	kref_put(&file->ref, gfx_file_release);
}

static int gfx_open(struct drm_device *drm, struct drm_file *file)
{
	struct gfx_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	kref_init(&f->ref);
	file->driver_priv = f;
	return 0;
}

/* Jobs still in the ring keep the error log alive (gfx_job.file). */
static void gfx_postclose(struct drm_device *drm, struct drm_file *file)
{
	gfx_userq_close_file(to_gfx(drm), file->driver_priv);
	gfx_file_put(file->driver_priv);
}

static int gfx_param(struct gfx_dev *g, struct drm_gfx_get_param *a, u64 *v)
{
	const u64 values[DRM_GFX_PARAM_COUNT] = {
		[DRM_GFX_PARAM_VERSION] = g->version,
		[DRM_GFX_PARAM_CAPS] = g->caps,
		[DRM_GFX_PARAM_VRAM_SIZE] = g->vram_size,
		[DRM_GFX_PARAM_VRAM_FREE] = READ_ONCE(g->vram_free),
		[DRM_GFX_PARAM_FORMAT_COUNT] = g->num_formats,
		[DRM_GFX_PARAM_MAX_CMD_WORDS] = g->max_cmd_words,
		[DRM_GFX_PARAM_MAX_SUBMIT_WORDS] = GFX_MAX_SUBMIT_WORDS,
		[DRM_GFX_PARAM_MODE_WIDTH] = g->mode.hdisplay,
		[DRM_GFX_PARAM_MODE_HEIGHT] = g->mode.vdisplay,
		[DRM_GFX_PARAM_MODE_REFRESH] = g->refresh_mhz,
		[DRM_GFX_PARAM_SEQNO_SUBMITTED] = READ_ONCE(g->seqno),
		[DRM_GFX_PARAM_SEQNO_DONE] = READ_ONCE(g->seqno_done),
		[DRM_GFX_PARAM_ERROR_COUNT] = READ_ONCE(g->errors),
		[DRM_GFX_PARAM_HANG_COUNT] = READ_ONCE(g->hangs),
		[DRM_GFX_PARAM_FENCE_PAGE] = (u64)GFX_FENCE_PAGE_PGOFF << PAGE_SHIFT,
		[DRM_GFX_PARAM_USERQ_COUNT] = g->userq_count,
	};

	if (a->param == DRM_GFX_PARAM_FORMAT) {
		if (a->index >= g->num_formats)
			return -EINVAL;
		*v = g->formats[a->index];
		return 0;
	}
	if (a->param == DRM_GFX_PARAM_CONTEXT_FENCE)
		return gfx_userq_fence(g, a->index, v);
	if (a->param >= DRM_GFX_PARAM_COUNT || a->index)
		return -EINVAL;
	*v = values[a->param];
	return 0;
}

static int gfx_ioctl_get_param(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_gfx_get_param *a = data;

	int idx;

	if (a->param == DRM_GFX_PARAM_VRAM_FREE && drm_dev_enter(drm, &idx)) {
		gfx_poll_fences(to_gfx(drm));	/* jobs done while their interrupt was off */
		drm_dev_exit(idx);
	}
	if (a->param == DRM_GFX_PARAM_VRAM_FREE)
		gfx_retire(to_gfx(drm));	/* what finished jobs held is free */
	return gfx_param(to_gfx(drm), a, &a->value);
}

static const struct drm_ioctl_desc gfx_ioctls[] = {
	DRM_IOCTL_DEF_DRV(GFX_GET_PARAM, gfx_ioctl_get_param, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GFX_BO_CREATE, gfx_ioctl_bo_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GFX_BO_INFO, gfx_ioctl_bo_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GFX_SUBMIT, gfx_ioctl_submit, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GFX_WAIT, gfx_ioctl_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GFX_USERQ_CREATE, gfx_ioctl_userq_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GFX_USERQ_DESTROY, gfx_ioctl_userq_destroy, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(GFX_USERQ_SIGNAL, gfx_ioctl_userq_signal, DRM_RENDER_ALLOW),
};

/* DRM_GEM_FOPS, with an mmap that also maps the fence page (gfx_drm_fence.c). */
static const struct file_operations gfx_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = gfx_mmap,
#ifdef FOP_UNSIGNED_OFFSET	/* 6.12: fop_flags; drm_open set the mode before */
	.fop_flags = FOP_UNSIGNED_OFFSET,
#endif
};

/*
 * No fbdev emulation: nothing here needs a kernel console on the device,
 * and its shadow buffer would pin a mode-sized buffer of VRAM for good.
 * Foreign dma-bufs are refused by drm_gem_prime_import() (no
 * gem_prime_import_sg_table: the device reads only its own VRAM); our own
 * come back as the same object.
 */
static const struct drm_driver gfx_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC | DRIVER_RENDER |
			   DRIVER_SYNCOBJ,
	.open = gfx_open,
	.postclose = gfx_postclose,
	.ioctls = gfx_ioctls,
	.num_ioctls = ARRAY_SIZE(gfx_ioctls),
	.fops = &gfx_fops,
	.dumb_create = gfx_dumb_create,
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)	/* the core's defaults since */
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_mmap = drm_gem_prime_mmap,
#endif
	.name = GFX_DRM_NAME,
	.desc = "Reference GPU on ivshmem-doorbell",
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)	/* removed in */
	.date = "20260130",
#endif
	.major = 1,
	.minor = 0,
};

/* ivshmem is a generic device: bind only where the reference GPU answers. */
static int gfx_check_magic(struct device *dev, void __iomem *reg)
{
	u32 magic = readl(reg + GFX_REG_MAGIC), version = readl(reg + GFX_REG_VERSION);

	if (magic == GFX_MAGIC && version >> 16 == GFX_VERSION_MAJOR)
		return 0;
	dev_info(dev, "no reference GPU here (magic %#x version %#x), leaving it alone\n",
		 magic, version);
	return -ENODEV;
}

/* Identity, formats we can express, the fixed mode; all checked. */
static int gfx_read_identity(struct gfx_dev *g, u64 bar_len)
{
	u32 n = min_t(u32, gfx_rd(g, GFX_REG_FORMAT_COUNT), GFX_MAX_FORMATS);
	u32 w = gfx_rd(g, GFX_REG_MODE_WIDTH), h = gfx_rd(g, GFX_REG_MODE_HEIGHT);

	g->version = gfx_rd(g, GFX_REG_VERSION);
	g->caps = gfx_rd(g, GFX_REG_CAPS);
	g->peer = gfx_rd(g, GFX_REG_DEVICE_PEER);
	g->max_cmd_words = min_t(u32, gfx_rd(g, GFX_REG_MAX_CMD_WORDS), GFX_MAX_CMD_WORDS);
	/* Command offsets are u32: VRAM past 4 GiB would be unreachable. */
	g->vram_size = min3(gfx_rd64(g, GFX_REG_VRAM_SIZE), bar_len, (u64)SZ_4G);
	g->refresh_mhz = gfx_rd(g, GFX_REG_MODE_REFRESH);
	for (u32 i = 0; i < n; i++) {
		u32 f = gfx_rd(g, GFX_REG_FORMATS + 4 * i);

		if (gfx_known_cpp(f))
			g->formats[g->num_formats++] = f;
	}
	if (!g->num_formats || g->max_cmd_words < GFX_FLIP_WORDS || g->vram_size < SZ_1M ||
	    !w || !h || w > GFX_MAX_SURFACE_SIDE || h > GFX_MAX_SURFACE_SIDE || !g->refresh_mhz) {
		drm_err(&g->drm, "unusable device: %u formats, %u command words, %llu bytes of VRAM, mode %ux%u@%u mHz\n",
			g->num_formats, g->max_cmd_words, g->vram_size, w, h, g->refresh_mhz);
		return -ENODEV;
	}
	return 0;
}

static void gfx_fini_action(void *g)
{
	gfx_userq_unbind(g);
	gfx_ring_fini(g);
}

static int gfx_hw_init(struct pci_dev *pdev, struct gfx_dev *g)
{
	struct device *dev = &pdev->dev;
	int ret, vectors;

	pci_set_master(pdev);	/* MSI-X is a bus-master write */
	/* The master's vector, and one per client context for user-mode queues. */
	vectors = pci_alloc_irq_vectors(pdev, 1, GFX_MAX_CONTEXTS, PCI_IRQ_MSIX);	/* freed by pcim */
	if (vectors < 0)
		return vectors;
	ret = gfx_vram_init(g) ?: gfx_fence_page_init(g) ?: gfx_ring_init(g) ?:
	      devm_add_action_or_reset(dev, gfx_fini_action, g) ?: gfx_kms_init(g) ?:
	      gfx_userq_init(pdev, g, vectors);
	if (ret)
		return ret;
	/* After gfx_fini_action, so it is freed before the device is stopped. */
	ret = devm_request_irq(dev, pci_irq_vector(pdev, 0), gfx_irq, 0, GFX_DRM_NAME, g);
	if (ret)
		return ret;
	gfx_irq_enable(g, GFX_IRQ_ERROR | GFX_IRQ_FLIP_DONE, true, true);
	return 0;
}

static int gfx_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	void __iomem *reg;
	struct gfx_dev *g;
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
	ret = pcim_iomap_regions(pdev, BIT(0), GFX_DRM_NAME) ?:
	      pci_request_region(pdev, 2, GFX_DRM_NAME);	/* released by pcim */
	if (ret)
		return ret;
	/*
	 * The register area, every context's page (the master's first); WC like
	 * the user mappings of the same BAR: one memory type (PAT).
	 */
	reg = devm_ioremap_wc(dev, pci_resource_start(pdev, 2), GFX_REG_AREA_SIZE);
	if (!reg)
		return -ENOMEM;
	ret = gfx_check_magic(dev, reg);
	if (ret)
		return ret;

	g = devm_drm_dev_alloc(dev, &gfx_driver, struct gfx_dev, drm);
	if (IS_ERR(g))
		return PTR_ERR(g);
	g->reg = reg;
	g->bar0 = pcim_iomap_table(pdev)[0];
	g->bar0_phys = pci_resource_start(pdev, 0);
	g->vram_phys = pci_resource_start(pdev, 2);
	ret = gfx_read_identity(g, pci_resource_len(pdev, 2)) ?: gfx_hw_init(pdev, g);
	if (ret)
		return ret;
	drm_mode_config_reset(&g->drm);
	ret = drm_dev_register(&g->drm, 0);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, g);
	drm_info(&g->drm, "reference GPU %u.%u, %llu MiB VRAM, %ux%u@%u.%03u Hz, %u formats\n",
		 g->version >> 16, g->version & 0xffff, g->vram_size >> 20, g->mode.hdisplay,
		 g->mode.vdisplay, g->refresh_mhz / 1000, g->refresh_mhz % 1000, g->num_formats);
	return 0;
}

/*
 * Also while clients are open: they get -ENODEV from then on, their
 * mappings are zapped (gfx_ring_fini), and the drm_device lives until the
 * last one closes. The devm actions run after this, in reverse order: the
 * interrupt is freed, then the ring is stopped and its fences signalled.
 */
static void gfx_remove(struct pci_dev *pdev)
{
	struct gfx_dev *g = pci_get_drvdata(pdev);

	drm_dev_unplug(&g->drm);
	drm_atomic_helper_shutdown(&g->drm);
}

static const struct pci_device_id gfx_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x1110) },	/* Red Hat ivshmem; the magic decides */
	{ }
};
MODULE_DEVICE_TABLE(pci, gfx_ids);

static struct pci_driver gfx_pci_driver = {
	.name = GFX_DRM_NAME,
	.id_table = gfx_ids,
	.probe = gfx_probe,
	.remove = gfx_remove,
};

drm_module_pci_driver(gfx_pci_driver);
MODULE_DESCRIPTION("DRM/KMS driver for the reference GPU on ivshmem-doorbell");
MODULE_LICENSE("GPL");
