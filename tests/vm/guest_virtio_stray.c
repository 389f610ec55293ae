/* SPDX-License-Identifier: MIT */
/*
 * guest_virtio_stray.c - gfx-vm-virtio-stray BDF: what the IOMMU keeps a
 * process that owns virtio-gpu through vfio-pci from doing
 * (tests/vm/guest_vfio.sh). Written against VFIO and the virtio spec
 * directly, not through libgfx, so that it tests the IOMMU, not our driver.
 *
 * It maps a 2 MiB pool for DMA, sets the device up (reset, features, the
 * control queue in the pool, DRIVER_OK), and sends GET_DISPLAY_INFO twice:
 *
 *   1. its response buffer in the pool: the device answers (the setup works,
 *      so the second request's silence is the IOMMU's doing);
 *   2. its response buffer at the guest-physical address of a page of ours
 *      that is not mapped for DMA (a canary, filled with a pattern): without
 *      an IOMMU the device would write its answer there; with one, the
 *      write faults (the guest kernel logs a DMAR fault, which the script
 *      checks) and the canary keeps its pattern.
 *
 * Prints one "ok ..." line and exits 0, or prints why and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_gpu.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define FAIL(...) do { printf(__VA_ARGS__); putchar('\n'); return 1; } while (0)
#define CHECK(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

#define POOL		(2u << 20)
#define IOVA		(1ull << 32)
#define QSIZE		16
#define AVAIL_OFF	4096
#define USED_OFF	8192
#define REQ_OFF		16384
#define RESP_OFF	20480
#define CANARY		0x5a

static int dev_fd;
static off_t cfg_off;
static volatile uint8_t *bar;
static volatile struct virtio_pci_common_cfg *common;
static volatile uint16_t *notify;
static uint8_t *pool;

static int vfio_open(const char *bdf)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char link[256], target[256], path[64];
	int container, group;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(target, '/') + 1);
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0 || ioctl(group, VFIO_GROUP_GET_STATUS, &st) < 0 ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0 ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return -1;
	dev_fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev_fd < 0)
		return -1;
	pool = mmap(NULL, POOL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m), .vaddr = (uintptr_t)pool,
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE, .iova = IOVA, .size = POOL };
	return pool == MAP_FAILED || ioctl(container, VFIO_IOMMU_MAP_DMA, &m) < 0 ? -1 : 0;
}

/* The BAR of the virtio capabilities, mapped; common and notify found; bus mastering on. */
static int map_caps(void)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint32_t common_off = 0, notify_off = 0, mult = 0;
	uint8_t cfg[256];
	uint16_t cmd;
	int b = -1;

	if (ioctl(dev_fd, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0 ||
	    pread(dev_fd, cfg, sizeof(cfg), (off_t)ri.offset) != sizeof(cfg))
		return -1;
	cfg_off = (off_t)ri.offset;
	for (unsigned int at = cfg[PCI_CAPABILITY_LIST] & ~3u, hops = 0; at && at < 236 && hops < 48;
	     at = cfg[at + 1] & ~3u, hops++) {
		struct virtio_pci_cap c;

		memcpy(&c, cfg + at, sizeof(c));
		if (cfg[at] != PCI_CAP_ID_VNDR)
			continue;
		if (c.cfg_type == VIRTIO_PCI_CAP_COMMON_CFG && !common_off)
			common_off = c.offset, b = c.bar;
		if (c.cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && !notify_off) {
			notify_off = c.offset;
			memcpy(&mult, cfg + at + sizeof(c), 4);
		}
	}
	memcpy(&cmd, cfg + PCI_COMMAND, 2);
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	ri = (struct vfio_region_info){ .argsz = sizeof(ri), .index = VFIO_PCI_BAR0_REGION_INDEX + (uint32_t)b };
	if (b < 0 || pwrite(dev_fd, &cmd, 2, cfg_off + PCI_COMMAND) != 2 ||
	    ioctl(dev_fd, VFIO_DEVICE_GET_REGION_INFO, &ri) < 0)
		return -1;
	bar = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev_fd, (off_t)ri.offset);
	if (bar == MAP_FAILED)
		return -1;
	common = (volatile struct virtio_pci_common_cfg *)(bar + common_off);
	common->queue_select = 0;
	notify = (volatile uint16_t *)(bar + notify_off + common->queue_notify_off * mult);
	return 0;
}

/* Reset, features (VERSION_1, and ACCESS_PLATFORM, which an IOMMU'd device requires), queue 0. */
static int setup(void)
{
	uint64_t offered, want = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_ACCESS_PLATFORM;

	common->device_status = 0;
	while (common->device_status)
		usleep(10);
	common->device_status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	common->device_feature_select = 0;
	offered = common->device_feature;
	common->device_feature_select = 1;
	offered |= (uint64_t)common->device_feature << 32;
	want &= offered;
	common->guest_feature_select = 0;
	common->guest_feature = (uint32_t)want;
	common->guest_feature_select = 1;
	common->guest_feature = (uint32_t)(want >> 32);
	common->device_status |= VIRTIO_CONFIG_S_FEATURES_OK;
	if (!(common->device_status & VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	common->queue_select = 0;
	common->queue_size = QSIZE;
	common->queue_desc_lo = (uint32_t)IOVA;
	common->queue_desc_hi = (uint32_t)(IOVA >> 32);
	common->queue_avail_lo = (uint32_t)(IOVA + AVAIL_OFF);
	common->queue_avail_hi = (uint32_t)((IOVA + AVAIL_OFF) >> 32);
	common->queue_used_lo = (uint32_t)(IOVA + USED_OFF);
	common->queue_used_hi = (uint32_t)((IOVA + USED_OFF) >> 32);
	common->queue_enable = 1;
	common->device_status |= VIRTIO_CONFIG_S_DRIVER_OK;
	return 0;
}

/* GET_DISPLAY_INFO with its response at bus address `resp`; true if the device answered. */
static int request(uint16_t n, uint64_t resp)
{
	struct vring_desc *d = (struct vring_desc *)pool;
	struct vring_avail *a = (struct vring_avail *)(pool + AVAIL_OFF);
	volatile struct vring_used *u = (volatile struct vring_used *)(pool + USED_OFF);
	struct virtio_gpu_ctrl_hdr *h = (struct virtio_gpu_ctrl_hdr *)(pool + REQ_OFF);
	struct timespec ts = { 0, 1000000 };

	memset(h, 0, sizeof(*h));
	h->type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
	d[0] = (struct vring_desc){ IOVA + REQ_OFF, sizeof(*h), VRING_DESC_F_NEXT, 1 };
	d[1] = (struct vring_desc){ resp, sizeof(struct virtio_gpu_resp_display_info),
				    VRING_DESC_F_WRITE, 0 };
	a->ring[n % QSIZE] = 0;
	__atomic_store_n(&a->idx, (uint16_t)(n + 1), __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*notify = 0;
	for (int i = 0; i < 1000; i++, nanosleep(&ts, NULL))
		if (__atomic_load_n(&u->idx, __ATOMIC_ACQUIRE) == (uint16_t)(n + 1))
			return 1;
	return 0;
}

/* The guest-physical address of a resident page of ours (/proc/self/pagemap, root only). */
static uint64_t phys_of(void *p)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)p / pg * 8)) != 8)
		e = 0;
	if (fd >= 0)
		close(fd);
	return (e >> 63) && (e & ((1ull << 55) - 1)) ? (e & ((1ull << 55) - 1)) * pg : 0;
}

int main(int argc, char **argv)
{
	struct virtio_gpu_ctrl_hdr *resp = (void *)0;
	uint8_t *canary;
	uint64_t phys;
	int answered, intact = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(argc == 2, "usage: gfx-vm-virtio-stray BDF");
	CHECK(!vfio_open(argv[1]), "VFIO setup of %s: %s", argv[1], strerror(errno));
	CHECK(!map_caps(), "cannot map the virtio capabilities: %s", strerror(errno));
	CHECK(!setup(), "the device refused our features (status %#x)", common->device_status);
	canary = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(canary != MAP_FAILED && !mlock(canary, 4096), "canary page: %s", strerror(errno));
	memset(canary, CANARY, 4096);
	phys = phys_of(canary);
	CHECK(phys, "no physical address for the canary (not root?)");

	CHECK(request(0, IOVA + RESP_OFF), "the device did not answer a request inside the pool");
	resp = (struct virtio_gpu_ctrl_hdr *)(pool + RESP_OFF);
	CHECK(resp->type == VIRTIO_GPU_RESP_OK_DISPLAY_INFO, "in-pool request: response %#x",
	      resp->type);
	answered = request(1, phys);
	for (int i = 0; i < 4096; i++)
		intact &= canary[i] == CANARY;
	CHECK(intact, "the device wrote its answer into guest memory at %#llx, outside the pool",
	      (unsigned long long)phys);
	printf("ok a response aimed at guest memory outside the pool (%#llx) was not written (%s; "
	       "device status %#x); one inside the pool was answered\n", (unsigned long long)phys,
	       answered ? "the request completed" : "the request never completed",
	       common->device_status);
	common->device_status = 0;
	return 0;
}
