/* SPDX-License-Identifier: MIT */
/*
 * guest_virtio_evil.c - gfx-vm-virtio-evil [ROUNDS]: a process that owns
 * virtio-gpu through the uio_vgpu stub and puts garbage in its control
 * queue. It sets the device up as a driver would (reset, VERSION_1, queue 0
 * in the DMA pool, DRIVER_OK), then, round after round, fills descriptors
 * and the avail ring with random values and notifies the device; then it
 * exits without cleaning up. Descriptor addresses stay inside the pool:
 * without an IOMMU they could point at any guest memory, which is why the
 * node is root's alone (docs/virtio.md), and this test must not wreck the
 * VM it runs in. tests/vm/guest_virtio.sh then checks that QEMU and the
 * guest kernel lived and that the next process renders (the stub reset the
 * device when this one's node closed).
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uio_vgpu.h"

#define QUEUE_MAX	64
#define AVAIL_OFF	1024
#define USED_OFF	4096

/* The uio_vgpu node's number, or -1. */
static int find_node(void)
{
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	int found = -1;

	while (d && (e = readdir(d)) && found < 0) {
		char path[300], name[64] = "";
		FILE *f;
		int n;

		if (sscanf(e->d_name, "uio%d", &n) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/class/uio/%s/name", e->d_name);
		f = fopen(path, "r");
		if (f && fgets(name, sizeof(name), f) && !strncmp(name, UIO_VGPU_NAME "\n", 9))
			found = n;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

static long map_size(int node, int map)
{
	char path[128];
	unsigned long size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/uio/uio%d/maps/map%d/size", node, map);
	f = fopen(path, "r");
	if (f && fscanf(f, "%lx", &size) != 1)
		size = 0;
	if (f)
		fclose(f);
	return (long)size;
}

static void *map(int fd, int index, size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_SHARED, fd, index * sysconf(_SC_PAGESIZE));

	if (p == MAP_FAILED) {
		printf("mmap of map %d: %m\n", index);
		exit(1);
	}
	return p;
}

/* As a driver would, up to DRIVER_OK, with queue 0 at the pool's start; its size. */
static uint16_t setup(volatile struct virtio_pci_common_cfg *c, const struct uio_vgpu_info *info)
{
	uint16_t size;

	c->device_status = 0;
	while (c->device_status)
		usleep(10);
	c->device_status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	c->guest_feature_select = 0;
	c->guest_feature = 0;
	c->guest_feature_select = 1;
	c->guest_feature = 1u << (VIRTIO_F_VERSION_1 - 32);
	c->device_status |= VIRTIO_CONFIG_S_FEATURES_OK;
	c->queue_select = 0;
	size = c->queue_size < QUEUE_MAX ? c->queue_size : QUEUE_MAX;
	c->queue_size = size;
	c->queue_desc_lo = (uint32_t)info->bus[0];
	c->queue_desc_hi = (uint32_t)(info->bus[0] >> 32);
	c->queue_avail_lo = (uint32_t)(info->bus[0] + AVAIL_OFF);
	c->queue_avail_hi = (uint32_t)((info->bus[0] + AVAIL_OFF) >> 32);
	c->queue_used_lo = (uint32_t)(info->bus[0] + USED_OFF);
	c->queue_used_hi = (uint32_t)((info->bus[0] + USED_OFF) >> 32);
	c->queue_enable = 1;
	c->device_status |= VIRTIO_CONFIG_S_DRIVER_OK;
	return size;
}

/* One round of garbage: random descriptors (inside the pool), ring entries and index. */
static void garbage(struct vring_desc *desc, struct vring_avail *avail, uint16_t size,
		    const struct uio_vgpu_info *info)
{
	for (unsigned int i = 0; i < size; i++) {
		uint32_t chunk = (uint32_t)rand() % info->chunks;

		desc[i].addr = info->bus[chunk] + (uint32_t)rand() % UIO_VGPU_CHUNK;
		desc[i].len = (uint32_t)rand() % 4 == 0 ? (uint32_t)rand() : (uint32_t)rand() % 8192;
		desc[i].flags = (uint16_t)(rand() & 7);	/* NEXT, WRITE, INDIRECT at random */
		desc[i].next = (uint16_t)((uint32_t)rand() % (2u * size));	/* half out of range */
		avail->ring[i] = (uint16_t)((uint32_t)rand() % (2u * size));
	}
	__atomic_store_n(&avail->idx, (uint16_t)(avail->idx + (uint32_t)rand() % (2u * size)),
			 __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200, node = find_node(), fd;
	char path[32];
	uint8_t *regs, *pool;
	const struct uio_vgpu_info *info;
	volatile struct virtio_pci_common_cfg *c;
	volatile uint16_t *notify;
	uint16_t size;

	if (node < 0) {
		printf("no %s node\n", UIO_VGPU_NAME);
		return 1;
	}
	snprintf(path, sizeof(path), "/dev/uio%d", node);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("open %s: %m\n", path);
		return 1;
	}
	regs = map(fd, UIO_VGPU_MAP_VIRTIO, (size_t)map_size(node, 0), PROT_READ | PROT_WRITE);
	info = map(fd, UIO_VGPU_MAP_INFO, 4096, PROT_READ);
	pool = map(fd, UIO_VGPU_MAP_POOL, (size_t)info->chunks * UIO_VGPU_CHUNK,
		   PROT_READ | PROT_WRITE);
	c = (volatile struct virtio_pci_common_cfg *)(regs + info->common.offset);
	size = setup(c, info);
	notify = (volatile uint16_t *)(regs + info->notify.offset +
				       (uint32_t)c->queue_notify_off * info->notify_off_multiplier);
	srand((unsigned int)getpid());
	for (int r = 0; r < rounds; r++) {
		garbage((struct vring_desc *)pool, (struct vring_avail *)(pool + AVAIL_OFF), size, info);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		*notify = 0;
		usleep(1000);
	}
	printf("ok %d rounds of garbage in a %u-entry queue; device status then 0x%x%s\n", rounds,
	       size, c->device_status,
	       c->device_status & VIRTIO_CONFIG_S_NEEDS_RESET ? " (NEEDS_RESET: QEMU gave up on it)" :
	       "");
	return 0;	/* no reset: the stub's, at close */
}
