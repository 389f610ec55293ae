/* SPDX-License-Identifier: MIT */
/*
 * backend_uio.c - reach the GPU through the uio_gfx kernel stub, as the
 * master context or as a client context.
 *
 * The stub registers one UIO device per hardware context (gfx_hw.h). The
 * master's maps, found by name in sysfs: "regs" (ivshmem BAR0 with the
 * doorbell, a page whose "offset" says where BAR0 starts), "vram" (all of
 * BAR2, write-combined) and "irq" (the handler's struct gfx_uio_irq_page,
 * read-only). A client context's: "regs", "ctx" (its register page),
 * "window" (its VRAM window) and "irq". Map N is mmap()ed at offset N *
 * page size of /dev/uioN. A client gets its node's fd from the master
 * (opens are exclusive); its window is mapped at its BAR2 offset inside a
 * reserved range the size of BAR2, so VRAM offsets work as on the master,
 * and touching anything else faults.
 *
 * The kernel takes IRQ_CAUSE itself, so the causes come from the irq page:
 * each per-cause counter that moved since the last look is a cause. The
 * counters only grow, so wake-ups that coalesce several interrupts lose
 * nothing. read() on the node returns the 4-byte event count (the node is
 * non-blocking here: take_irq never sleeps); EIO means the driver went away
 * (rmmod, unbind), which is reported as -ENODEV.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "backend.h"
#include "uio_sysfs.h"

struct uio {
	struct gfx_backend b;
	int fd;
	char sysdir[PATH_MAX];
	volatile uint8_t *regs_map;	/* the doorbell page */
	size_t regs_len;
	volatile uint8_t *ctx_map;	/* a client's register page, else NULL */
	volatile uint32_t *doorbell;
	uint32_t ring;			/* doorbell value: device peer, our vector */
	const volatile struct gfx_uio_irq_page *irq;
	uint64_t seen[GFX_IRQ_NUM_CAUSES];
};

static void uio_kick(struct gfx_backend *b)
{
	struct uio *u = (struct uio *)b;

	gfx_doorbell_ring(u->doorbell, u->ring);
}

static int uio_take_irq(struct gfx_backend *b, uint64_t *irq_ns)
{
	struct uio *u = (struct uio *)b;
	int32_t events;
	int causes;

	if (read(u->fd, &events, sizeof(events)) < 0 && errno == EIO)
		return -ENODEV;
	causes = gfx_irq_page_causes(u->irq, u->seen);
	*irq_ns = u->irq->last_ns;
	return causes;
}

/* UIO irqcontrol: the stub writes our IRQ_MASTER and rings the device. */
static void uio_irq_master(struct gfx_backend *b, int on)
{
	struct uio *u = (struct uio *)b;
	int32_t v = on ? 1 : 0;

	(void)!write(u->fd, &v, sizeof(v));
}

int gfx_backend_uio_find(char *path, size_t path_len)
{
	return uio_find_node(GFX_UIO_NAME, path, path_len);
}

static void uio_destroy(struct gfx_backend *b)
{
	struct uio *u = (struct uio *)b;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (b->bar2)
		munmap((void *)b->bar2, b->bar2_size);	/* a client's window goes with its range */
	if (u->ctx_map)
		munmap((void *)u->ctx_map, page);
	if (u->regs_map)
		munmap((void *)u->regs_map, u->regs_len);
	if (u->irq)
		munmap((void *)u->irq, page);
	if (u->fd >= 0)
		close(u->fd);
	free(u);
}

/* Master: open client context ctx's node for another process; -EBUSY while someone holds it. */
static int uio_export(struct gfx_backend *b, uint32_t ctx, struct gfx_context_handle *h, char *err,
		      size_t err_len)
{
	struct uio *u = (struct uio *)b;
	char path[64];
	int fd;

	if (uio_context_node(u->sysdir, ctx, path, sizeof(path)) < 0) {
		snprintf(err, err_len, "no %s device for context %u (uio_gfx too old, or too few "
			 "MSI-X vectors)", GFX_UIO_NAME, ctx);
		return -ENOENT;
	}
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	h->context = ctx;
	h->nfds = 1;
	h->fds[0] = fd;
	return 0;
}

/* Master: GFX_UIO_REVOKE through our node (gfx_hw.h, "UIO stub"). */
static int uio_revoke(struct gfx_backend *b, uint32_t ctx)
{
	struct uio *u = (struct uio *)b;
	int32_t v = GFX_UIO_REVOKE(ctx);

	return write(u->fd, &v, sizeof(v)) == sizeof(v) ? 0 : -errno;
}

/* Map the UIO map called name (at `at` if not NULL); *len its length, *offs its start in its page. */
static void *map_by_name(struct uio *u, const char *name, int prot, void *at, size_t *len,
			 uint64_t *offs, char *err, size_t err_len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), size;
	int i = uio_find_map(u->sysdir, name, &size, offs);
	void *p;

	if (i < 0 || size == 0) {
		snprintf(err, err_len, "%s has no map named %s (not the uio_gfx stub?)", u->sysdir, name);
		return NULL;
	}
	*len = (size_t)((size + page - 1) & ~(page - 1));
	p = mmap(at, *len, prot, MAP_SHARED | (at ? MAP_FIXED : 0), u->fd, (off_t)((uint64_t)i * page));
	if (p == MAP_FAILED) {
		snprintf(err, err_len, "cannot map %s of %s: %s", name, u->sysdir, strerror(errno));
		return NULL;
	}
	return p;
}

/* The doorbell page and the irq page: every context has them. */
static int map_common(struct uio *u, char *err, size_t err_len)
{
	uint64_t offs = 0;
	size_t len;
	void *p = map_by_name(u, GFX_UIO_MAP_REGS, PROT_READ | PROT_WRITE, NULL, &u->regs_len, &offs,
			      err, err_len);

	if (!p)
		return -ENODEV;
	u->regs_map = p;
	if (offs + IVSHMEM_BAR0_SIZE > u->regs_len) {
		snprintf(err, err_len, "%s: bad regs offset %llu", u->sysdir, (unsigned long long)offs);
		return -ENODEV;
	}
	u->doorbell = (volatile uint32_t *)(u->regs_map + offs + IVSHMEM_REG_DOORBELL);
	p = map_by_name(u, GFX_UIO_MAP_IRQ, PROT_READ, NULL, &len, &offs, err, err_len);
	if (!p)
		return -ENODEV;
	u->irq = p;
	for (int i = 0; i < GFX_IRQ_NUM_CAUSES; i++)	/* only news from now on */
		u->seen[i] = u->irq->cause_count[i];
	return 0;
}

/* The master: all of BAR2, its register page at 0. */
static int map_master(struct uio *u, char *err, size_t err_len)
{
	uint64_t offs;
	size_t len;
	void *p = map_by_name(u, GFX_UIO_MAP_VRAM, PROT_READ | PROT_WRITE, NULL, &len, &offs, err,
			      err_len);

	if (!p)
		return -ENODEV;
	u->b.bar2 = p;
	u->b.bar2_size = len;
	u->b.regs = u->b.bar2 + GFX_CTX_PAGE(GFX_MASTER_CONTEXT);
	u->b.export_context = uio_export;
	u->b.revoke_context = uio_revoke;
	return 0;
}

/* A client: its page, and its window at its own offset in a reserved range the size of BAR2. */
static int map_client(struct uio *u, char *err, size_t err_len)
{
	uint64_t offs, vram;
	uint32_t win_off;
	size_t len;
	void *p = map_by_name(u, GFX_UIO_MAP_CTX, PROT_READ | PROT_WRITE, NULL, &len, &offs, err,
			      err_len);

	if (!p)
		return -ENODEV;
	u->ctx_map = p;
	vram = *(volatile uint64_t *)(u->ctx_map + GFX_REG_VRAM_SIZE);
	win_off = *(volatile uint32_t *)(u->ctx_map + GFX_REG_WINDOW_OFFSET);
	if (vram < GFX_VRAM_START || vram > (1ull << 32) ||
	    (p = mmap(NULL, (size_t)vram, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		      0)) == MAP_FAILED) {
		snprintf(err, err_len, "cannot reserve %llu bytes for VRAM", (unsigned long long)vram);
		return -ENOMEM;
	}
	u->b.bar2 = p;
	u->b.bar2_size = vram;
	if (!map_by_name(u, GFX_UIO_MAP_WINDOW, PROT_READ | PROT_WRITE, (void *)(u->b.bar2 + win_off),
			 &len, &offs, err, err_len) || win_off + (uint64_t)len > vram)
		return -ENODEV;
	u->b.regs = u->ctx_map;
	return 0;
}

/*
 * Take fd (the node of the master, or of client context want), map what that
 * context has; on failure fd is closed with the rest.
 */
static int uio_setup(int fd, const char *what, int64_t want, struct gfx_backend **out, char *err,
		     size_t err_len)
{
	struct uio *u = calloc(1, sizeof(*u));
	char name[64], expect[32];
	int r;

	*out = NULL;
	if (!u) {
		close(fd);
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	*u = (struct uio){ .fd = fd, .b = { .name = "uio", .kick = uio_kick, .take_irq = uio_take_irq,
		.irq_master = uio_irq_master, .destroy = uio_destroy, .poll_fd = -1 } };
	snprintf(expect, sizeof(expect), want < 0 ? GFX_UIO_NAME : GFX_UIO_CTX_NAME_FMT, (unsigned)want);
	r = uio_sysdir(fd, u->sysdir, sizeof(u->sysdir), err, err_len);
	if (r == 0 && (uio_read_attr(u->sysdir, "name", name, sizeof(name)) < 0 || strcmp(name, expect))) {
		snprintf(err, err_len, "%s is not a %s device", what, expect);
		r = -ENODEV;
	}
	u->b.context = want < 0 ? GFX_MASTER_CONTEXT : (uint32_t)want;
	if (r == 0)
		r = map_common(u, err, err_len) ?: want < 0 ? map_master(u, err, err_len) :
							      map_client(u, err, err_len);
	if (r < 0) {
		uio_destroy(&u->b);
		return r;
	}
	u->ring = IVSHMEM_DOORBELL(*(volatile uint32_t *)(u->b.regs + GFX_REG_DEVICE_PEER),
				   GFX_CTX_VECTOR(u->b.context));
	u->b.poll_fd = u->fd;	/* POLLIN per interrupt, POLLERR once the driver is gone */
	*out = &u->b;
	return 0;
}

int gfx_backend_uio_open(const char *dev_path, struct gfx_backend **out, char *err,
			 size_t err_len)
{
	int fd = open(dev_path, O_RDWR | O_NONBLOCK | O_CLOEXEC), r;

	*out = NULL;
	if (fd < 0) {
		r = -errno;
		snprintf(err, err_len, "cannot open %s: %s%s", dev_path, strerror(-r),
			 r == -EACCES ? " (add the user to group gfx, see docs/kernel.md)" :
			 r == -EBUSY ? " (another process drives the GPU: opens are exclusive)" : "");
		return r;
	}
	return uio_setup(fd, dev_path, -1, out, err, err_len);
}

int gfx_backend_uio_adopt(struct gfx_context_handle *h, struct gfx_backend **out, char *err,
			  size_t err_len)
{
	int fd = h->fds[0];

	h->nfds = 0;	/* ours now */
	/* A node handed over: our own non-blocking flag, whatever the sender set. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return uio_setup(fd, "the context's node", h->context, out, err, err_len);
}
