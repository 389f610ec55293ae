/* SPDX-License-Identifier: MIT */
/*
 * vmutil.h - small helpers shared by the guest-side VM programs: time, the
 * uio_gfx node and its sysfs directory, and the GPU's register page read
 * straight from the PCI BAR (sysfs resource2), independent of any driver.
 */
#ifndef VMUTIL_H
#define VMUTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "gfx_hw.h"

static inline int64_t vm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int vm_read_attr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/*
 * Pin this process to the CPU that takes the interrupt whose handler is
 * called `name` in /proc/interrupts (the last field: "uio_gfx" is the
 * master context's vector, "uio_gfx.N" a client's, "gfx_drm" the DRM
 * driver's). Returns the CPU, or -1 if no such interrupt or no pinning.
 */
static inline int vm_pin_to_irq_nth(const char *name, int nth)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[1024], path[64], buf[64];
	int irq = -1, cpu;
	cpu_set_t set;

	while (f && irq < 0 && fgets(line, sizeof(line), f)) {
		char *last = strrchr(line, ' ');

		line[strcspn(line, "\n")] = 0;
		if (last && !strcmp(last + 1, name) && nth-- == 0)
			irq = atoi(line);
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/irq/%d/effective_affinity_list", irq);
	if (irq < 0 || vm_read_attr(path, buf, sizeof(buf)) < 0)
		return -1;
	cpu = atoi(buf);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? -1 : cpu;
}

/* The first vector named name: a driver's master (context 0) vector. */
static inline int vm_pin_to_irq(const char *name)
{
	return vm_pin_to_irq_nth(name, 0);
}

/* Number N of the first /sys/class/uio/uioN named uio_gfx, or -1. */
static inline int vm_uio_index(void)
{
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	int best = -1;

	while (d && (e = readdir(d))) {
		char p[300], name[64];
		int n;

		if (sscanf(e->d_name, "uio%d", &n) != 1)
			continue;
		snprintf(p, sizeof(p), "/sys/class/uio/%s/name", e->d_name);
		if (!vm_read_attr(p, name, sizeof(name)) && !strcmp(name, GFX_UIO_NAME) &&
		    (best < 0 || n < best))
			best = n;
	}
	if (d)
		closedir(d);
	return best;
}

/* Index of the UIO map called name on uioN, or -1. */
static inline int vm_uio_map_index(int uio, const char *name)
{
	for (int i = 0; i < 5; i++) {
		char p[300], n[64];

		snprintf(p, sizeof(p), "/sys/class/uio/uio%d/maps/map%d/name", uio, i);
		if (!vm_read_attr(p, n, sizeof(n)) && !strcmp(n, name))
			return i;
	}
	return -1;
}

/* The stub's irq page, read-only, through a second open of the node. */
static inline const volatile struct gfx_uio_irq_page *vm_map_irq_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int uio = vm_uio_index(), mi, fd;
	char node[64];
	void *p;

	if (uio < 0 || (mi = vm_uio_map_index(uio, GFX_UIO_MAP_IRQ)) < 0)
		return NULL;
	snprintf(node, sizeof(node), "/dev/uio%d", uio);
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, mi * page);
	/* fd stays open with the mapping (the stub counts users by open files). */
	return p == MAP_FAILED ? NULL : p;
}

/*
 * The register page through uio_gfx's "vram" map (read-only); *fd keeps the
 * node open while it is used. NULL when no uio_gfx device is there.
 */
static inline const volatile uint8_t *vm_map_regpage_uio(int *fd, char *name, size_t len)
{
	int uio = vm_uio_index(), mi;
	long page = sysconf(_SC_PAGESIZE);
	void *m;

	if (uio < 0 || (mi = vm_uio_map_index(uio, GFX_UIO_MAP_VRAM)) < 0)
		return NULL;
	snprintf(name, len, "/dev/uio%d", uio);
	*fd = open(name, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return NULL;
	m = mmap(NULL, GFX_REG_PAGE_SIZE, PROT_READ, MAP_SHARED, *fd, mi * page);
	if (m == MAP_FAILED) {
		close(*fd);
		return NULL;
	}
	return m;
}

/*
 * The register page of the first ivshmem device whose BAR2 holds GFX_MAGIC,
 * mapped read-only from /sys/bus/pci/devices/X/resource2. *bdf gets X.
 * Only while no driver holds the BAR (the kernel refuses it otherwise).
 */
static inline const volatile uint8_t *vm_map_regpage(char *bdf, size_t bdf_len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	const volatile uint8_t *found = NULL;

	while (d && (e = readdir(d)) && !found) {
		char p[300], v[32], dv[32];
		void *m;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (vm_read_attr(p, v, sizeof(v)) || strcmp(v, "0x1af4"))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (vm_read_attr(p, dv, sizeof(dv)) || strcmp(dv, "0x1110"))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/resource2", e->d_name);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		m = mmap(NULL, GFX_REG_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (m == MAP_FAILED)
			continue;
		if (*(volatile uint32_t *)m == GFX_MAGIC) {
			found = m;
			snprintf(bdf, bdf_len, "%.63s", e->d_name);
		} else {
			munmap(m, GFX_REG_PAGE_SIZE);
		}
	}
	if (d)
		closedir(d);
	return found;
}

static inline uint32_t vm_rd32(const volatile uint8_t *regs, uint32_t off)
{
	return *(const volatile uint32_t *)(regs + off);
}

static inline uint64_t vm_rd64(const volatile uint8_t *regs, uint32_t off)
{
	return __atomic_load_n((const uint64_t *)(regs + off), __ATOMIC_ACQUIRE);
}

static int vm_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Percentile p (0..100) of n samples, sorting them. */
static inline int64_t vm_percentile(int64_t *v, int n, double p)
{
	int i;

	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), vm_cmp_i64);
	i = (int)(p / 100.0 * (n - 1) + 0.5);
	return v[i];
}

#endif /* VMUTIL_H */
