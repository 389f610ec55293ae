/* SPDX-License-Identifier: MIT */
/*
 * virtio_pci.c - the modern virtio-pci transport from user space
 * (virtio_priv.h; virtio 1.2, 4.1.4 and 3.1.1's initialization): the stub's
 * node and maps, then reset, ACKNOWLEDGE | DRIVER, the features, both
 * queues on MSI-X vector 0, DRIVER_OK.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uio_sysfs.h"
#include "virtio_priv.h"

/* Features we take when offered (VERSION_1 must be). */
#define VIO_FEATURES	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) | \
			 (1ull << VIRTIO_GPU_F_EDID) | (1ull << VIRTIO_F_ACCESS_PLATFORM))
#define VIO_NO_VECTOR	0xffff

static uint8_t status(struct gfx_virtio *v)
{
	return __atomic_load_n(&v->common->device_status, __ATOMIC_ACQUIRE);
}

static void set_status(struct gfx_virtio *v, uint8_t bits)
{
	__atomic_store_n(&v->common->device_status, (uint8_t)(status(v) | bits), __ATOMIC_RELEASE);
}

void vio_pci_reset(struct gfx_virtio *v)
{
	int64_t end = gfx_now_ns() + VIO_WAIT_NS;

	__atomic_store_n(&v->common->device_status, 0, __ATOMIC_RELEASE);
	while (status(v) != 0 && gfx_now_ns() < end)
		usleep(10);
}

void vio_pci_notify(struct gfx_virtio *v, struct vio_queue *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the ring before the doorbell */
	if (__atomic_load_n(&v->info->gone, __ATOMIC_ACQUIRE))
		return;		/* unbound: the BAR's map would SIGBUS; the next wait says lost */
	*q->notify = q->index;
	q->notifies++;
}

bool vio_pci_display_event(struct gfx_virtio *v)
{
	uint32_t ev = v->config->events_read;

	if (!(ev & VIRTIO_GPU_EVENT_DISPLAY))
		return false;
	v->config->events_clear = VIRTIO_GPU_EVENT_DISPLAY;
	return true;
}

/* The stub's maps: the BAR, the pool (VRAM), the info page. */
static int map_node(struct gfx_virtio *v, char *err, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t size, offs;
	void *p;

	if (uio_sysdir(v->fd, v->sysdir, sizeof(v->sysdir), err, len) < 0)
		return -ENODEV;
	if (uio_find_map(v->sysdir, "virtio", &size, &offs) != UIO_VGPU_MAP_VIRTIO ||
	    (p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
		      UIO_VGPU_MAP_VIRTIO * page)) == MAP_FAILED)
		goto fail;
	v->regs = p;
	v->regs_len = size;
	p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, v->fd, UIO_VGPU_MAP_INFO * page);
	if (p == MAP_FAILED)
		goto fail;
	v->info = p;
	if (v->info->magic != UIO_VGPU_MAGIC || v->info->version != UIO_VGPU_VERSION) {
		snprintf(err, len, "the uio_vgpu stub speaks another version (%u)", v->info->version);
		return -ENODEV;
	}
	v->pool_size = (uint64_t)v->info->chunks * UIO_VGPU_CHUNK;
	p = mmap(NULL, v->pool_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
		 UIO_VGPU_MAP_POOL * page);
	if (p == MAP_FAILED)
		goto fail;
	v->pool = p;
	return 0;
fail:
	snprintf(err, len, "cannot map the uio_vgpu node: %s", strerror(errno));
	return -ENODEV;
}

static void set_addr(volatile __le32 *lo, volatile __le32 *hi, uint64_t addr)
{
	*lo = (uint32_t)addr;
	*hi = (uint32_t)(addr >> 32);
}

/* Queue index on vector 0, size at most max, its ring at pool offset off. */
static int setup_queue(struct gfx_virtio *v, struct vio_queue *q, uint16_t index, uint16_t max,
		       uint32_t off, char *err, size_t len)
{
	volatile struct virtio_pci_common_cfg *c = v->common;
	uint64_t bus = v->info->bus[0] + off;	/* the system area lies in chunk 0 */
	uint16_t size;

	c->queue_select = index;
	size = c->queue_size;
	if (size < 2) {
		snprintf(err, len, "the device has no queue %u", index);
		return -ENODEV;
	}
	size = size < max ? size : max;
	size &= (uint16_t)~1u;	/* two descriptors a slot */
	c->queue_size = size;
	vio_queue_init(q, index, size, v->pool + off, bus);
	if (v->info->msix) {
		c->queue_msix_vector = 0;
		if (c->queue_msix_vector != 0) {
			snprintf(err, len, "the device refused MSI-X vector 0 for queue %u", index);
			return -ENODEV;
		}
	}
	set_addr(&c->queue_desc_lo, &c->queue_desc_hi, bus);
	set_addr(&c->queue_avail_lo, &c->queue_avail_hi,
		 bus + (uint64_t)((uint8_t *)q->avail - (uint8_t *)q->desc));
	set_addr(&c->queue_used_lo, &c->queue_used_hi,
		 bus + (uint64_t)((uint8_t *)q->used - (uint8_t *)q->desc));
	q->notify = (volatile uint16_t *)(v->regs + v->info->notify.offset +
					  (uint32_t)c->queue_notify_off * v->info->notify_off_multiplier);
	c->queue_enable = 1;
	return 0;
}

static int negotiate(struct gfx_virtio *v, char *err, size_t len)
{
	volatile struct virtio_pci_common_cfg *c = v->common;
	uint64_t offered;

	c->device_feature_select = 0;
	offered = c->device_feature;
	c->device_feature_select = 1;
	offered |= (uint64_t)c->device_feature << 32;
	if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
		snprintf(err, len, "not a modern virtio device (no VERSION_1)");
		return -ENODEV;
	}
	v->features = offered & VIO_FEATURES;
	c->guest_feature_select = 0;
	c->guest_feature = (uint32_t)v->features;
	c->guest_feature_select = 1;
	c->guest_feature = (uint32_t)(v->features >> 32);
	set_status(v, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(status(v) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		snprintf(err, len, "the device refused our features 0x%llx",
			 (unsigned long long)v->features);
		return -ENODEV;
	}
	return 0;
}

/* virtio 1.2, 3.1.1: reset, ACKNOWLEDGE, DRIVER, features, queues, DRIVER_OK. */
static int start(struct gfx_virtio *v, char *err, size_t len)
{
	int r;

	v->common = (volatile struct virtio_pci_common_cfg *)(v->regs + v->info->common.offset);
	v->config = (volatile struct virtio_gpu_config *)(v->regs + v->info->device.offset);
	vio_pci_reset(v);
	set_status(v, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	set_status(v, VIRTIO_CONFIG_S_DRIVER);
	r = negotiate(v, err, len);
	if (r == 0 && v->info->msix) {
		v->common->msix_config = 0;
		if (v->common->msix_config != 0) {
			snprintf(err, len, "the device refused MSI-X vector 0 for its configuration");
			r = -ENODEV;
		}
	}
	if (r == 0)
		r = setup_queue(v, &v->ctrl, 0, VIO_CTRL_SIZE, 0, err, len) ?:
		    setup_queue(v, &v->cursor, 1, VIO_CURSOR_SIZE, VIO_SYS_BYTES / 2, err, len);
	if (r < 0) {
		set_status(v, VIRTIO_CONFIG_S_FAILED);
		return r;
	}
	set_status(v, VIRTIO_CONFIG_S_DRIVER_OK);
	return 0;
}

/* The stub's node, found by name unless given. */
static int open_node(struct gfx_virtio *v, const char *path, char *err, size_t len)
{
	char found[64];

	if (!path) {
		if (uio_find_node(UIO_VGPU_NAME, found, sizeof(found)) < 0) {
			snprintf(err, len, "no %s device in /sys/class/uio", UIO_VGPU_NAME);
			return -ENOENT;
		}
		path = found;
	}
	v->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (v->fd < 0) {
		int r = -errno;

		snprintf(err, len, "cannot open %s: %s", path, strerror(-r));
		return r;
	}
	return 0;
}

int vio_pci_open(struct gfx_device *dev, const char *path, char *err, size_t len)
{
	struct gfx_virtio *v = dev->virtio;
	char found[64];
	int r;

	if (path && !strncmp(path, "vfio:", 5))
		r = vio_vfio_open(v, path + 5, err, len);
	else if (!path && uio_find_node(UIO_VGPU_NAME, found, sizeof(found)) < 0 &&
		 vio_vfio_find(found, sizeof(found)) == 0)
		r = vio_vfio_open(v, found, err, len);	/* no stub, but vfio-pci has one */
	else
		r = open_node(v, path, err, len) ?: map_node(v, err, len);
	if (r == 0 && v->pool_size < 2 * VIO_SYS_BYTES) {
		snprintf(err, len, "the DMA pool (%llu bytes) is too small", (unsigned long long)v->pool_size);
		r = -ENOMEM;
	}
	return r ?: start(v, err, len);
}

bool vio_pci_gone(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	uint32_t count;

	if (v->vfio.on) {
		if (!dev->lost && v->info && vio_vfio_released(v))
			gfx_lost(dev);
		return dev->lost;
	}
	if (!dev->lost && v->info && __atomic_load_n(&v->info->gone, __ATOMIC_ACQUIRE))
		gfx_lost(dev);
	if (!dev->lost && v->fd >= 0 && read(v->fd, &count, sizeof(count)) < 0 && errno == EIO)
		gfx_lost(dev);
	return dev->lost;
}

/*
 * The stub's info page says whether read() has anything, so a dispatch with
 * no new interrupt makes no call; an eventfd (VFIO) must be read to know.
 */
void vio_irq_drain(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	uint64_t irqs, n;
	uint32_t count;

	if (v->vfio.on) {
		if (vio_pci_gone(dev))
			return;
		if (read(v->fd, &n, sizeof(n)) == sizeof(n))
			v->irqs_seen += n;
		return;
	}
	irqs = __atomic_load_n(&v->info->irq_count, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&v->info->gone, __ATOMIC_ACQUIRE)) {
		gfx_lost(dev);
	} else if (irqs != v->irqs_seen) {
		v->irqs_seen = irqs;
		if (read(v->fd, &count, sizeof(count)) == sizeof(count))
			v->irq_seen = count;
		else if (errno == EIO)	/* the stub was unbound */
			gfx_lost(dev);
	}
}

void vio_pci_close(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	long page = sysconf(_SC_PAGESIZE);

	if (v->vfio.on) {
		vio_vfio_close(v);
		vio_vfio_fini(v);
		if (v->fd >= 0)
			close(v->fd);
		return;
	}
	if (v->common && !dev->lost)
		vio_pci_reset(v);	/* the stub resets it at close too; this is at once */
	if (v->pool)
		munmap(v->pool, v->pool_size);
	if (v->info)
		munmap((void *)v->info, (size_t)page);
	if (v->regs)
		munmap((void *)v->regs, v->regs_len);
	if (v->fd >= 0)
		close(v->fd);
}
