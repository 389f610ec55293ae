/* SPDX-License-Identifier: MIT */
/*
 * backend_uio.c - reach the GPU through the uio_gfx kernel stub.
 *
 * The stub exposes three UIO maps, found by name in sysfs: "regs" (ivshmem
 * BAR0 with the doorbell, a page whose "offset" says where BAR0 starts),
 * "vram" (BAR2: register page + VRAM, write-combined) and "irq" (the
 * handler's struct gfx_uio_irq_page, read-only). Map N is mmap()ed at
 * offset N * page size of /dev/uioN.
 *
 * The kernel takes IRQ_CAUSE itself, so the causes come from the irq page:
 * each per-cause counter that moved since the last look is a cause. The
 * counters only grow, so wake-ups that coalesce several interrupts lose
 * nothing. read() on the node returns the 4-byte event count (the node is
 * non-blocking here: take_irq never sleeps); EIO means the driver went away
 * (rmmod, unbind), which is reported as -ENODEV.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

struct uio {
	struct gfx_backend b;
	int fd;
	volatile uint8_t *regs_map;	/* the mmap()ed page */
	size_t regs_len;
	volatile uint32_t *doorbell;
	uint32_t ring;			/* doorbell value: device peer, kick vector */
	const volatile struct gfx_uio_irq_page *irq;
	uint64_t seen[GFX_IRQ_NUM_CAUSES];
};

/* Read a small sysfs attribute into buf without the newline. */
static int read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int read_attr_u64(const char *dir, const char *name, uint64_t *val)
{
	char buf[64], *end;
	int r = read_attr(dir, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	*val = strtoull(buf, &end, 0);
	return end == buf ? -EINVAL : 0;
}

int gfx_backend_uio_find(char *path, size_t path_len)
{
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	int best = -1;

	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char dir[PATH_MAX], name[64];
		int n;

		if (sscanf(e->d_name, "uio%d", &n) != 1)
			continue;
		snprintf(dir, sizeof(dir), "/sys/class/uio/%s", e->d_name);
		if (read_attr(dir, "name", name, sizeof(name)) == 0 &&
		    strcmp(name, GFX_UIO_NAME) == 0 && (best < 0 || n < best))
			best = n;
	}
	closedir(d);
	if (best < 0)
		return -ENOENT;
	snprintf(path, path_len, "/dev/uio%d", best);
	return 0;
}

static void uio_kick(struct gfx_backend *b)
{
	struct uio *u = (struct uio *)b;

	/* Ring and register stores (write-combined) before the doorbell (uncached). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*u->doorbell = u->ring;
}

static int uio_take_irq(struct gfx_backend *b, uint64_t *irq_ns)
{
	struct uio *u = (struct uio *)b;
	int32_t events;
	int causes = 0, i;

	if (read(u->fd, &events, sizeof(events)) < 0 && errno == EIO)
		return -ENODEV;
	/* count is raised last by the handler: load it first (acquire). */
	(void)__atomic_load_n(&u->irq->count, __ATOMIC_ACQUIRE);
	for (i = 0; i < GFX_IRQ_NUM_CAUSES; i++) {
		uint64_t c = u->irq->cause_count[i];

		if (c != u->seen[i]) {
			u->seen[i] = c;
			causes |= 1 << i;
		}
	}
	*irq_ns = u->irq->last_ns;
	return causes;
}

/* UIO irqcontrol: the stub writes IRQ_MASTER and rings the device. */
static void uio_irq_master(struct gfx_backend *b, int on)
{
	struct uio *u = (struct uio *)b;
	int32_t v = on ? 1 : 0;

	(void)!write(u->fd, &v, sizeof(v));
}

static void uio_destroy(struct gfx_backend *b)
{
	struct uio *u = (struct uio *)b;

	if (b->bar2)
		munmap((void *)b->bar2, b->bar2_size);
	if (u->regs_map)
		munmap((void *)u->regs_map, u->regs_len);
	if (u->irq)
		munmap((void *)u->irq, (size_t)sysconf(_SC_PAGESIZE));
	if (u->fd >= 0)
		close(u->fd);
	free(u);
}

/* Map the UIO map called name; *len gets its size, *offs the start in its page. */
static void *map_by_name(struct uio *u, const char *sysdir, const char *name, int prot,
			 size_t *len, uint64_t *offs, char *err, size_t err_len)
{
	long page = sysconf(_SC_PAGESIZE);
	int i;

	for (i = 0; i < 5; i++) {	/* MAX_UIO_MAPS */
		char dir[PATH_MAX], n[64];
		uint64_t size = 0;
		void *p;

		snprintf(dir, sizeof(dir), "%s/maps/map%d", sysdir, i);
		if (read_attr(dir, "name", n, sizeof(n)) < 0 || strcmp(n, name) != 0)
			continue;
		if (read_attr_u64(dir, "size", &size) < 0 || size == 0) {
			snprintf(err, err_len, "%s: map %s has no size", sysdir, name);
			return NULL;
		}
		if (read_attr_u64(dir, "offset", offs) < 0)
			*offs = 0;
		*len = (size_t)((size + (uint64_t)page - 1) & ~((uint64_t)page - 1));
		p = mmap(NULL, *len, prot, MAP_SHARED, u->fd, (off_t)i * page);
		if (p == MAP_FAILED) {
			snprintf(err, err_len, "cannot map %s of %s: %s", name, sysdir,
				 strerror(errno));
			return NULL;
		}
		return p;
	}
	snprintf(err, err_len, "%s has no map named %s (not the uio_gfx stub?)", sysdir, name);
	return NULL;
}

int gfx_backend_uio_open(const char *dev_path, struct gfx_backend **out, char *err,
			 size_t err_len)
{
	char sysdir[PATH_MAX], name[64];
	uint64_t offs = 0;
	size_t len;
	struct stat st;
	struct uio *u;
	void *p;
	int r, i;

	*out = NULL;
	u = calloc(1, sizeof(*u));
	if (!u) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	u->b.name = "uio";
	u->b.kick = uio_kick;
	u->b.take_irq = uio_take_irq;
	u->b.irq_master = uio_irq_master;
	u->b.destroy = uio_destroy;
	u->b.poll_fd = -1;
	u->fd = open(dev_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (u->fd < 0) {
		r = -errno;
		snprintf(err, err_len, "cannot open %s: %s%s", dev_path, strerror(-r),
			 r == -EACCES ? " (add the user to group gfx, see docs/kernel.md)" : "");
		goto fail;
	}
	/* The sysfs directory of this very node, whatever the node is called. */
	if (fstat(u->fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		r = -ENODEV;
		snprintf(err, err_len, "%s is not a character device", dev_path);
		goto fail;
	}
	snprintf(sysdir, sizeof(sysdir), "/sys/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	if (read_attr(sysdir, "name", name, sizeof(name)) < 0 || strcmp(name, GFX_UIO_NAME)) {
		r = -ENODEV;
		snprintf(err, err_len, "%s is not a %s device", dev_path, GFX_UIO_NAME);
		goto fail;
	}

	r = -ENODEV;
	p = map_by_name(u, sysdir, GFX_UIO_MAP_REGS, PROT_READ | PROT_WRITE, &u->regs_len,
			&offs, err, err_len);
	if (!p)
		goto fail;
	u->regs_map = p;
	if (offs + IVSHMEM_BAR0_SIZE > u->regs_len) {
		snprintf(err, err_len, "%s: bad regs offset %llu", sysdir, (unsigned long long)offs);
		goto fail;
	}
	u->doorbell = (volatile uint32_t *)(u->regs_map + offs + IVSHMEM_REG_DOORBELL);

	p = map_by_name(u, sysdir, GFX_UIO_MAP_VRAM, PROT_READ | PROT_WRITE, &len, &offs,
			err, err_len);
	if (!p)
		goto fail;
	u->b.bar2 = p;
	u->b.bar2_size = len;
	u->b.regs = u->b.bar2 + GFX_CTX_PAGE(GFX_MASTER_CONTEXT);
	u->b.context = GFX_MASTER_CONTEXT;
	u->ring = IVSHMEM_DOORBELL(*(volatile uint32_t *)(u->b.bar2 + GFX_REG_DEVICE_PEER),
				   GFX_VECTOR_KICK);

	p = map_by_name(u, sysdir, GFX_UIO_MAP_IRQ, PROT_READ, &len, &offs, err, err_len);
	if (!p)
		goto fail;
	u->irq = p;
	for (i = 0; i < GFX_IRQ_NUM_CAUSES; i++)	/* only news from now on */
		u->seen[i] = u->irq->cause_count[i];
	u->b.poll_fd = u->fd;	/* POLLIN per interrupt, POLLERR once the driver is gone */
	*out = &u->b;
	return 0;
fail:
	uio_destroy(&u->b);
	return r;
}

int gfx_backend_uio_adopt(struct gfx_context_handle *h, struct gfx_backend **out, char *err,
			  size_t err_len)
{
	*out = NULL;
	gfx_context_handle_close(h);
	snprintf(err, err_len, "client contexts on uio need the per-context devices of uio_gfx");
	return -EOPNOTSUPP;
}
