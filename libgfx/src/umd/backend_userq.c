/* SPDX-License-Identifier: MIT */
/*
 * backend_userq.c - a client context of our own through gfx_drm's user-mode
 * queue (include/gfx_drm.h, USERQ_CREATE), as amdgpu's user queues give a
 * process its own ring inside DRM.
 *
 * The kernel picks a free client context, resets it, clears its window and
 * keeps it out of GEM's allocator; we then drive it exactly as a client
 * context on uio (backend_uio.c): the doorbell page, the context's register
 * page, its irq page and its window at its own BAR2 offset inside a range
 * reserved the size of BAR2 -- mapped from the DRM fd instead of a UIO
 * node. The kernel's handler of the context's vector counts the causes in
 * the irq page and signals an eventfd we gave it, which is poll_fd: a
 * wake-up is one read() of it, a frame's rendering no system call at all.
 * The queue lives as long as the DRM fd; unbind sets the irq page's `gone`
 * and wakes us once more (-ENODEV), and the maps fault from then on.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "backend.h"
#include "gfx_drm.h"

struct userq {
	struct gfx_backend b;
	int drm_fd, event_fd;
	struct drm_gfx_userq_create q;
	volatile uint8_t *doorbell_map;
	volatile uint32_t *doorbell;
	uint32_t ring;			/* doorbell value: device peer, our vector */
	const volatile struct gfx_uio_irq_page *irq;
	uint64_t seen[GFX_IRQ_NUM_CAUSES];
};

static void userq_kick(struct gfx_backend *b)
{
	struct userq *u = (struct userq *)b;

	gfx_doorbell_ring(u->doorbell, u->ring);
}

static int userq_take_irq(struct gfx_backend *b, uint64_t *irq_ns)
{
	struct userq *u = (struct userq *)b;
	uint64_t wakes;

	(void)!read(u->event_fd, &wakes, sizeof(wakes));	/* non-blocking: EAGAIN if none */
	if (__atomic_load_n(&u->irq->gone, __ATOMIC_ACQUIRE))
		return -ENODEV;
	*irq_ns = u->irq->last_ns;
	return gfx_irq_page_causes(u->irq, u->seen);
}

/* Our own register page: no kernel in the way, unlike uio's irqcontrol. */
static void userq_irq_master(struct gfx_backend *b, int on)
{
	__atomic_store_n((uint32_t *)(b->regs + GFX_REG_IRQ_MASTER), on ? 1 : 0, __ATOMIC_RELEASE);
	userq_kick(b);
}

static int userq_export_window(struct gfx_backend *b, int *fd, char *err, size_t err_len)
{
	struct userq *u = (struct userq *)b;
	struct drm_prime_handle p = { .handle = u->q.window_handle, .flags = O_CLOEXEC | O_RDWR };

	if (ioctl(u->drm_fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p) < 0) {
		int e = errno;

		snprintf(err, err_len, "cannot export the queue's window: PRIME_HANDLE_TO_FD: %s",
			 strerror(e));
		return -e;
	}
	*fd = p.fd;
	return 0;
}

/* USERQ_SIGNAL into a syncobj of our own, exported as a sync_file; the syncobj goes again. */
static int userq_export_fence(struct gfx_backend *b, uint64_t seqno, int *fd, char *err,
			      size_t err_len)
{
	struct userq *u = (struct userq *)b;
	struct drm_syncobj_create sc = { 0 };
	struct drm_gfx_userq_signal sig = { .seqno = seqno, .context = u->q.context };
	struct drm_syncobj_handle h = { .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
					.fd = -1 };
	const char *what = "SYNCOBJ_CREATE";
	int r = 0;

	if (ioctl(u->drm_fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc) < 0)
		r = -errno;
	sig.out_sync = h.handle = sc.handle;
	if (r == 0 && ioctl(u->drm_fd, DRM_IOCTL_GFX_USERQ_SIGNAL, &sig) < 0) {
		r = -errno;
		what = "USERQ_SIGNAL";
	}
	if (r == 0 && ioctl(u->drm_fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h) < 0) {
		r = -errno;
		what = "SYNCOBJ_HANDLE_TO_FD";
	}
	if (sc.handle) {
		struct drm_syncobj_destroy sd = { .handle = sc.handle };

		(void)ioctl(u->drm_fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
	}
	if (r < 0) {
		snprintf(err, err_len, "no sync_file for the queue's fence %llu: %s: %s",
			 (unsigned long long)seqno, what, strerror(-r));
		return r;
	}
	*fd = h.fd;
	return 0;
}

static void userq_destroy(struct gfx_backend *b)
{
	struct userq *u = (struct userq *)b;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (b->bar2)
		munmap((void *)b->bar2, b->bar2_size);	/* the window goes with its range */
	if (b->regs)
		munmap((void *)b->regs, page);
	if (u->doorbell_map)
		munmap((void *)u->doorbell_map, page);
	if (u->irq)
		munmap((void *)u->irq, page);
	if (u->event_fd >= 0)
		close(u->event_fd);
	if (u->drm_fd >= 0)
		close(u->drm_fd);	/* the kernel takes the context back */
	free(u);
}

/* Map page `index` of the queue's range (len bytes; at `at` if not NULL). */
static void *map_page(struct userq *u, unsigned index, size_t len, int prot, void *at)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(at, len, prot, MAP_SHARED | (at ? MAP_FIXED : 0), u->drm_fd,
		       (off_t)(u->q.mmap_offset + (uint64_t)index * page));

	return p == MAP_FAILED ? NULL : p;
}

/* The queue's four maps; the window at its BAR2 offset, so VRAM offsets work as on the master. */
static int map_queue(struct userq *u, char *err, size_t err_len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t vram;
	void *p;

	u->doorbell_map = map_page(u, DRM_GFX_USERQ_MAP_DOORBELL, page, PROT_READ | PROT_WRITE, NULL);
	u->b.regs = map_page(u, DRM_GFX_USERQ_MAP_REGS, page, PROT_READ | PROT_WRITE, NULL);
	u->irq = map_page(u, DRM_GFX_USERQ_MAP_IRQ, page, PROT_READ, NULL);
	if (!u->doorbell_map || !u->b.regs || !u->irq || u->q.doorbell_offset + 4 > page) {
		snprintf(err, err_len, "cannot map the user-mode queue: %s", strerror(errno));
		return -ENODEV;
	}
	u->doorbell = (volatile uint32_t *)(u->doorbell_map + u->q.doorbell_offset);
	vram = *(volatile uint64_t *)(u->b.regs + GFX_REG_VRAM_SIZE);
	if (vram < GFX_VRAM_START || vram > (1ull << 32) ||
	    (uint64_t)u->q.window_offset + u->q.window_size > vram ||
	    (p = mmap(NULL, (size_t)vram, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		      0)) == MAP_FAILED) {
		snprintf(err, err_len, "cannot reserve %llu bytes for VRAM", (unsigned long long)vram);
		return -ENOMEM;
	}
	u->b.bar2 = p;
	u->b.bar2_size = vram;
	if (!map_page(u, DRM_GFX_USERQ_MAP_WINDOW, u->q.window_size, PROT_READ | PROT_WRITE,
		      (void *)(u->b.bar2 + u->q.window_offset))) {
		snprintf(err, err_len, "cannot map the queue's window: %s", strerror(errno));
		return -ENODEV;
	}
	for (int i = 0; i < GFX_IRQ_NUM_CAUSES; i++)	/* only news from now on */
		u->seen[i] = u->irq->cause_count[i];
	return 0;
}

/* USERQ_CREATE on the node; the messages say what a user can do about each failure. */
static int create_queue(struct userq *u, const char *path, char *err, size_t err_len)
{
	struct drm_gfx_get_param gp = { .param = DRM_GFX_PARAM_USERQ_COUNT };

	if (ioctl(u->drm_fd, DRM_IOCTL_GFX_GET_PARAM, &gp) < 0) {
		snprintf(err, err_len, "%s is not gfx_drm, or one without user-mode queues", path);
		return -ENODEV;
	}
	if (gp.value == 0) {
		snprintf(err, err_len, "%s: the GPU has no client context with an interrupt vector "
			 "(start it with contexts and as many MSI-X vectors)", path);
		return -ENODEV;
	}
	u->q.eventfd = u->event_fd;
	if (ioctl(u->drm_fd, DRM_IOCTL_GFX_USERQ_CREATE, &u->q) < 0) {
		int r = -errno;

		snprintf(err, err_len, "%s: no user-mode queue: %s%s", path, strerror(-r),
			 r == -ENOSPC ? " (every client context is taken, or GEM buffers fill the "
					"free ones' windows)" : "");
		return r;
	}
	return 0;
}

int gfx_backend_userq_open(const char *dev_path, struct gfx_backend **out, char *err,
			   size_t err_len)
{
	struct userq *u = calloc(1, sizeof(*u));
	int r;

	*out = NULL;
	if (!u) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	*u = (struct userq){ .b = { .name = "drm-userq", .kick = userq_kick,
		.take_irq = userq_take_irq, .irq_master = userq_irq_master,
		.export_window = userq_export_window, .export_fence = userq_export_fence,
		.destroy = userq_destroy, .poll_fd = -1 } };
	u->drm_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	u->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u->drm_fd < 0 || u->event_fd < 0) {
		r = -errno;
		snprintf(err, err_len, "cannot open %s: %s", dev_path, strerror(-r));
		userq_destroy(&u->b);
		return r;
	}
	r = create_queue(u, dev_path, err, err_len) ?: map_queue(u, err, err_len);
	if (r < 0) {
		userq_destroy(&u->b);
		return r;
	}
	u->b.context = u->q.context;
	u->ring = IVSHMEM_DOORBELL(*(volatile uint32_t *)(u->b.regs + GFX_REG_DEVICE_PEER),
				   GFX_CTX_VECTOR(u->b.context));
	u->b.poll_fd = u->event_fd;
	*out = &u->b;
	return 0;
}
