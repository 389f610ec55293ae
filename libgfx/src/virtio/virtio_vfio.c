/* SPDX-License-Identifier: MIT */
/*
 * virtio_vfio.c - the same device through vfio-pci instead of the uio_vgpu
 * stub ("virtio:vfio:BDF", or found by default), for machines with an
 * IOMMU: the device reaches only the pool this process mapped with
 * VFIO_IOMMU_MAP_DMA, and a stray descriptor faults in the IOMMU instead of
 * writing guest memory (docs/virtio.md).
 *
 * It fills what the stub would have given (virtio_priv.h: v->info, v->regs,
 * v->pool, v->fd), so that the transport, the queues and the commands are
 * the same code on both:
 *
 *   the capabilities   read from PCI configuration space (the region VFIO
 *                      exposes), all in one memory BAR, which is mmap()ed;
 *   the pool           anonymous memory, mapped for DMA at VIO_VFIO_IOVA
 *                      (one contiguous range of bus addresses);
 *   the interrupt      MSI-X vector 0 into an eventfd (v->fd);
 *   unbind             vfio-pci's request interrupt into a second eventfd:
 *                      the device is reset and let go at once (vfio-pci's
 *                      remove waits for that), and the device is lost.
 *
 * vfio-pci resets the function when the last file closes, and closing the
 * container unmaps the pool from the IOMMU: a killed process leaves the
 * device no memory to write.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "virtio_priv.h"

/* Bus addresses of the pool: above 4 GiB, inside QEMU's 39-bit IOMMU space. */
#define VIO_VFIO_IOVA		(1ull << 32)
#define VIO_VFIO_POOL		((uint64_t)UIO_VGPU_POOL_MIB_DEFAULT << 20)
#define VIO_PCI_VENDOR		"0x1af4"
#define VIO_PCI_DEVICE		"0x1050"	/* modern virtio-gpu */

static int read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* The first virtio-gpu bound to vfio-pci: its PCI address in bdf. */
int vio_vfio_find(char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int r = -ENOENT;

	while (d && r < 0 && (e = readdir(d))) {
		char dir[PATH_MAX], v[16], id[16], drv[PATH_MAX];
		ssize_t n;

		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		if (e->d_name[0] == '.' || read_attr(dir, "vendor", v, sizeof(v)) ||
		    read_attr(dir, "device", id, sizeof(id)) || strcmp(v, VIO_PCI_VENDOR) ||
		    strcmp(id, VIO_PCI_DEVICE))
			continue;
		snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/driver");
		n = readlink(dir, drv, sizeof(drv) - 1);
		if (n > 0 && (drv[n] = 0, !strcmp(strrchr(drv, '/') + 1, "vfio-pci"))) {
			snprintf(bdf, len, "%s", e->d_name);
			r = 0;
		}
	}
	if (d)
		closedir(d);
	return r;
}

/* Container, group and device: the device's file in v->vfio.device. */
static int open_device(struct gfx_virtio *v, const char *bdf, char *err, size_t len)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char link[PATH_MAX], target[PATH_MAX], path[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(err, len, "%s has no IOMMU group (no IOMMU, or no such device)", bdf);
		return -ENODEV;
	}
	target[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(target, '/') + 1);
	v->vfio.container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	v->vfio.group = open(path, O_RDWR | O_CLOEXEC);
	if (v->vfio.container < 0 || v->vfio.group < 0) {
		int r = -errno;

		snprintf(err, len, "cannot open /dev/vfio/vfio and %s: %s (is %s bound to vfio-pci?)",
			 path, strerror(-r), bdf);
		return r;
	}
	if (ioctl(v->vfio.container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(v->vfio.container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1 ||
	    ioctl(v->vfio.group, VFIO_GROUP_GET_STATUS, &st) < 0 ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(v->vfio.group, VFIO_GROUP_SET_CONTAINER, &v->vfio.container) < 0 ||
	    ioctl(v->vfio.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		snprintf(err, len, "VFIO refused %s's group %s (every device of a group must be "
			 "bound to vfio-pci): %s", bdf, path, strerror(errno));
		return -ENODEV;
	}
	v->vfio.device = ioctl(v->vfio.group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (v->vfio.device < 0) {
		snprintf(err, len, "VFIO_GROUP_GET_DEVICE_FD %s: %s", bdf, strerror(errno));
		return -ENODEV;
	}
	return 0;
}

static int region(struct gfx_virtio *v, uint32_t index, struct vfio_region_info *ri)
{
	*ri = (struct vfio_region_info){ .argsz = sizeof(*ri), .index = index };
	return ioctl(v->vfio.device, VFIO_DEVICE_GET_REGION_INFO, ri);
}

/* One virtio capability found in configuration space (virtio 1.2, 4.1.4). */
static void note_cap(struct uio_vgpu_info *info, const uint8_t *cfg, unsigned int at, int *bar)
{
	struct virtio_pci_cap c;
	struct uio_vgpu_cap *slot = NULL;

	memcpy(&c, cfg + at, sizeof(c));
	switch (c.cfg_type) {
	case VIRTIO_PCI_CAP_COMMON_CFG: slot = &info->common; break;
	case VIRTIO_PCI_CAP_NOTIFY_CFG: slot = &info->notify; break;
	case VIRTIO_PCI_CAP_ISR_CFG: slot = &info->isr; break;
	case VIRTIO_PCI_CAP_DEVICE_CFG: slot = &info->device; break;
	default: return;
	}
	if (slot->length)
		return;		/* the first of a type is the one to use */
	if (*bar < 0)
		*bar = c.bar;
	if (c.bar != *bar) {
		*bar = -2;	/* capabilities in two BARs: not for us */
		return;
	}
	slot->offset = c.offset;
	slot->length = c.length;
	if (c.cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		memcpy(&info->notify_off_multiplier, cfg + at + sizeof(c), 4);
}

/* The capabilities from configuration space, bus mastering on: the BAR they are in. */
static int read_caps(struct gfx_virtio *v, struct uio_vgpu_info *info, char *err, size_t len)
{
	struct vfio_region_info ri;
	uint8_t cfg[256];
	uint16_t cmd;
	int bar = -1;

	if (region(v, VFIO_PCI_CONFIG_REGION_INDEX, &ri) < 0 ||
	    pread(v->vfio.device, cfg, sizeof(cfg), (off_t)ri.offset) != sizeof(cfg)) {
		snprintf(err, len, "cannot read configuration space: %s", strerror(errno));
		return -ENODEV;
	}
	for (unsigned int at = cfg[PCI_CAPABILITY_LIST] & ~3u, hops = 0;
	     at && at + sizeof(struct virtio_pci_cap) + 4 <= sizeof(cfg) && hops < 48;
	     at = cfg[at + PCI_CAP_LIST_NEXT] & ~3u, hops++)
		if (cfg[at] == PCI_CAP_ID_VNDR)
			note_cap(info, cfg, at, &bar);
	if (bar < 0 || !info->common.length || !info->notify.length || !info->device.length) {
		snprintf(err, len, "not a modern virtio device with its capabilities in one BAR");
		return -ENODEV;
	}
	memcpy(&cmd, cfg + PCI_COMMAND, sizeof(cmd));
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;	/* the queues are DMA */
	if (pwrite(v->vfio.device, &cmd, sizeof(cmd), (off_t)ri.offset + PCI_COMMAND) != sizeof(cmd)) {
		snprintf(err, len, "cannot enable bus mastering: %s", strerror(errno));
		return -ENODEV;
	}
	return bar;
}

static int map_bar(struct gfx_virtio *v, int bar, char *err, size_t len)
{
	struct vfio_region_info ri;
	void *p;

	if (region(v, VFIO_PCI_BAR0_REGION_INDEX + (uint32_t)bar, &ri) < 0 ||
	    !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		snprintf(err, len, "BAR%d cannot be mapped through VFIO", bar);
		return -ENODEV;
	}
	p = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vfio.device, (off_t)ri.offset);
	if (p == MAP_FAILED) {
		snprintf(err, len, "mmap of BAR%d: %s", bar, strerror(errno));
		return -ENODEV;
	}
	v->regs = p;
	v->regs_len = ri.size;
	return 0;
}

/* The pool: our memory, the device's only window into this machine. */
static int map_pool(struct gfx_virtio *v, struct uio_vgpu_info *info, char *err, size_t len)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE, .iova = VIO_VFIO_IOVA,
		.size = VIO_VFIO_POOL };
	void *p = mmap(NULL, VIO_VFIO_POOL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		snprintf(err, len, "out of memory for the DMA pool");
		return -ENOMEM;
	}
	v->pool = p;
	v->pool_size = VIO_VFIO_POOL;
	m.vaddr = (uintptr_t)p;
	if (ioctl(v->vfio.container, VFIO_IOMMU_MAP_DMA, &m) < 0) {
		snprintf(err, len, "VFIO_IOMMU_MAP_DMA of %llu MiB: %s (RLIMIT_MEMLOCK?)",
			 (unsigned long long)(VIO_VFIO_POOL >> 20), strerror(errno));
		return -ENOMEM;
	}
	info->chunks = (uint32_t)(VIO_VFIO_POOL / UIO_VGPU_CHUNK);
	for (uint32_t i = 0; i < info->chunks; i++)
		info->bus[i] = VIO_VFIO_IOVA + (uint64_t)i * UIO_VGPU_CHUNK;
	return 0;
}

/* index's interrupt (MSI-X vector 0, or the request to let go) into a new eventfd. */
static int irq_eventfd(struct gfx_virtio *v, uint32_t index)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int32_t fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	*set = (struct vfio_irq_set){ .argsz = sizeof(buf), .index = index, .start = 0, .count = 1,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER };
	memcpy(set->data, &fd, sizeof(fd));
	if (ioctl(v->vfio.device, VFIO_DEVICE_SET_IRQS, set) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int vio_vfio_open(struct gfx_virtio *v, const char *bdf, char *err, size_t len)
{
	struct uio_vgpu_info *info = calloc(1, sizeof(*info));
	char found[64];
	int bar, r;

	v->vfio.container = v->vfio.group = v->vfio.device = v->vfio.req_fd = -1;
	if (!info) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	v->info = info;
	v->vfio.on = true;
	if (!bdf || !*bdf) {
		if (vio_vfio_find(found, sizeof(found)) < 0) {
			snprintf(err, len, "no virtio-gpu bound to vfio-pci");
			return -ENOENT;
		}
		bdf = found;
	}
	r = open_device(v, bdf, err, len);
	if (r < 0)
		return r;
	bar = read_caps(v, info, err, len);
	if (bar < 0)
		return bar;
	r = map_bar(v, bar, err, len) ?: map_pool(v, info, err, len);
	if (r < 0)
		return r;
	info->magic = UIO_VGPU_MAGIC;
	info->version = UIO_VGPU_VERSION;
	info->msix = 1;
	v->fd = irq_eventfd(v, VFIO_PCI_MSIX_IRQ_INDEX);
	v->vfio.req_fd = irq_eventfd(v, VFIO_PCI_REQ_IRQ_INDEX);	/* optional: older kernels */
	if (v->fd < 0) {
		snprintf(err, len, "cannot route MSI-X vector 0 to an eventfd: %s", strerror(-v->fd));
		return v->fd;
	}
	return 0;
}

/*
 * Unbind asks for the device back (the request eventfd): reset it and let
 * go now, or vfio-pci's remove waits. True once that happened.
 */
bool vio_vfio_released(struct gfx_virtio *v)
{
	uint64_t n;

	if (v->vfio.device >= 0 && v->vfio.req_fd >= 0 && read(v->vfio.req_fd, &n, sizeof(n)) == 8)
		vio_vfio_close(v);
	return v->vfio.device < 0;
}

void vio_vfio_close(struct gfx_virtio *v)
{
	if (v->vfio.device >= 0 && v->common)
		vio_pci_reset(v);
	if (v->regs)
		munmap((void *)v->regs, v->regs_len);
	v->regs = NULL;
	v->common = NULL;
	if (v->vfio.device >= 0)
		close(v->vfio.device);	/* vfio-pci resets the function */
	v->vfio.device = -1;
	((struct uio_vgpu_info *)v->info)->gone = 1;
}

/* After vio_vfio_close(): the container (the IOMMU forgets the pool), then the pool. */
void vio_vfio_fini(struct gfx_virtio *v)
{
	if (v->vfio.group >= 0)
		close(v->vfio.group);
	if (v->vfio.container >= 0)
		close(v->vfio.container);
	if (v->vfio.req_fd >= 0)
		close(v->vfio.req_fd);
	if (v->pool)
		munmap(v->pool, v->pool_size);
	v->pool = NULL;
	free((void *)v->info);
	v->info = NULL;
}
