/* SPDX-License-Identifier: MIT */
/*
 * guest_drm_userq.c - gfx-vm-drm-userq: gfx_drm's user-mode queues
 * (include/gfx_drm.h, USERQ_CREATE), through libgfx ("drm-userq") and
 * through the bare uapi (tests/vm/guest_drm.sh).
 *
 *   gfx-vm-drm-userq draw   libgfx on a queue: a client context (not the
 *                           master), fills whose pixels read back exact, an
 *                           interrupt fence waited through the eventfd; the
 *                           window leaves GEM's free VRAM while the queue
 *                           lives and comes back after; two processes get
 *                           two contexts
 *   gfx-vm-drm-userq clear  a queue's window, filled by its owner, reads all
 *                           zero for the next owner of that context
 *   gfx-vm-drm-userq uapi   bad requests fail with their errno and change
 *                           nothing: flags, no eventfd, a second queue on one
 *                           file, DESTROY of another context, maps outside
 *                           the queue, a writable irq map, a private map,
 *                           another file's queue; DESTROY zaps the maps (the
 *                           next access is a SIGBUS); as many queues as
 *                           USERQ_COUNT, then ENOSPC
 *   gfx-vm-drm-userq share  the window as a GEM object (USERQ_CREATE's
 *                           window_handle): BO_INFO names its context, a
 *                           dma-buf of it imports into another file as the
 *                           same object, which reads the queue's fence with
 *                           GET_PARAM CONTEXT_FENCE (bad indexes EINVAL); the
 *                           importer keeps the window (and so the context)
 *                           out of use after the queue's owner left, until
 *                           it lets go
 *   gfx-vm-drm-userq gone   unbind under a live queue: libgfx's next wait
 *                           says the device is gone, the window faults with
 *                           SIGBUS; gfx_drm is bound again after
 *
 * Each prints one "ok ..." line and exits 0, or prints why and exits 1.
 */
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>

#include "gfx.h"
#include "vm_userq.h"

#define SEC 1000000000LL
#define FAIL(...) do { printf(__VA_ARGS__); putchar('\n'); return 1; } while (0)
#define CHECK(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* ---- draw ---- */

static int draw_once(struct gfx_device *dev, uint32_t color, uint32_t *context)
{
	struct gfx_info info;
	struct gfx_bo *bo;
	struct gfx_rect r = { 8, 8, 16, 16 };
	uint64_t seq;

	CHECK(gfx_get_info(dev, &info) == 0, "info: %s", gfx_last_error(dev));
	CHECK(!strcmp(info.backend, "drm-userq") && info.context > 0 && info.context < info.context_count,
	      "backend %s context %u of %u: not a client context", info.backend, info.context,
	      info.context_count);
	*context = info.context;
	CHECK(gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &bo) == 0, "bo: %s", gfx_last_error(dev));
	CHECK(bo->offset >= info.window_offset && bo->offset + bo->size <= info.window_offset + info.window_size,
	      "buffer at 0x%x outside the window 0x%x+0x%x", bo->offset, info.window_offset, info.window_size);
	CHECK(gfx_set_dst(dev, bo) == 0 && gfx_fill(dev, GFX_SRC, color, &r, 1) == 0 &&
	      gfx_fence(dev, true, &seq) == 0 && gfx_submit(dev) == 0, "draw: %s", gfx_last_error(dev));
	CHECK(gfx_fence_wait(dev, seq, 5 * SEC) == 0, "fence wait: %s", gfx_last_error(dev));
	for (uint32_t y = 0; y < 64; y++)
		for (uint32_t x = 0; x < 64; x++) {
			uint32_t px = ((uint32_t *)((char *)bo->map + y * bo->stride))[x];
			uint32_t want = x >= 8 && x < 24 && y >= 8 && y < 24 ? color : 0;

			CHECK((px & 0xffffff) == (want & 0xffffff), "pixel (%u,%u) 0x%08x, want 0x%08x", x, y, px, want);
		}
	gfx_bo_destroy(dev, bo);
	return 0;
}

static int case_draw(void)
{
	int fd = must_open(true), st;
	uint64_t free0 = param(fd, DRM_GFX_PARAM_VRAM_FREE, 0), free1;
	struct gfx_device *dev;
	struct gfx_info info;
	uint32_t ctx = 0, child_ctx;
	int pipefd[2];
	pid_t pid;

	CHECK(param(fd, DRM_GFX_PARAM_USERQ_COUNT, 0) > 0, "gfx_drm offers no user-mode queue");
	CHECK(gfx_open("drm-userq", &dev) == 0, "open: %s", gfx_last_error(NULL));
	CHECK(gfx_get_info(dev, &info) == 0, "info");
	free1 = param(fd, DRM_GFX_PARAM_VRAM_FREE, 0);
	CHECK(free0 - free1 == info.window_size, "VRAM free went %llu -> %llu, the window is %u bytes",
	      (unsigned long long)free0, (unsigned long long)free1, info.window_size);
	if (draw_once(dev, 0xff3366ccu, &ctx))
		return 1;
	/* A second process at the same time: its own context. */
	CHECK(pipe(pipefd) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		struct gfx_device *d2;
		uint32_t c2 = 0;
		int r = gfx_open("drm-userq", &d2) < 0 ? (printf("child open: %s\n", gfx_last_error(NULL)), 1) :
			draw_once(d2, 0xff00ff00u, &c2);

		(void)!write(pipefd[1], &c2, sizeof(c2));
		_exit(r);
	}
	close(pipefd[1]);
	CHECK(read(pipefd[0], &child_ctx, sizeof(child_ctx)) == sizeof(child_ctx), "no word from the child");
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child failed");
	CHECK(child_ctx != ctx, "two processes got the same context %u", ctx);
	gfx_close(dev);
	CHECK(param(fd, DRM_GFX_PARAM_VRAM_FREE, 0) == free0, "VRAM free %llu after close, %llu before",
	      (unsigned long long)param(fd, DRM_GFX_PARAM_VRAM_FREE, 0), (unsigned long long)free0);
	close(fd);
	printf("ok draw: contexts %u and %u, exact pixels, interrupt fence, window of %u KiB out of GEM "
	       "while open\n", ctx, child_ctx, info.window_size >> 10);
	return 0;
}

/* ---- the bare uapi ---- */

static void *rawq_map(struct rawq *r, unsigned page, size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, flags, r->fd, (off_t)(r->q.mmap_offset + (uint64_t)page * page_size()));
}

static int case_clear(void)
{
	struct rawq a, b;
	uint32_t *w;
	size_t n;

	CHECK(rawq_create(&a) == 0, "create: %s", strerror(errno));
	w = rawq_map(&a, DRM_GFX_USERQ_MAP_WINDOW, a.q.window_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(w != MAP_FAILED, "map the window: %s", strerror(errno));
	n = a.q.window_size / 4;
	for (size_t i = 0; i < n; i++)
		w[i] = 0xdeadbeef;
	munmap(w, a.q.window_size);
	rawq_close(&a);
	CHECK(rawq_create(&b) == 0, "create again: %s", strerror(errno));
	CHECK(b.q.context == a.q.context, "context %u, then %u: the lowest free one was expected",
	      a.q.context, b.q.context);
	w = rawq_map(&b, DRM_GFX_USERQ_MAP_WINDOW, b.q.window_size, PROT_READ, MAP_SHARED);
	CHECK(w != MAP_FAILED, "map the window: %s", strerror(errno));
	for (size_t i = 0; i < n; i++)
		CHECK((w[i] & 0xffffff) == 0, "word %zu of the new window is 0x%08x", i, w[i]);
	munmap(w, b.q.window_size);
	rawq_close(&b);
	printf("ok clear: context %u's window (%zu KiB) reads zero for its next owner\n", a.q.context,
	       n * 4 >> 10);
	return 0;
}

/* Requests that must fail, each with its errno, leaving the file without a queue. */
static int uapi_refusals(void)
{
	int fd = must_open(true), ev = eventfd(0, EFD_CLOEXEC);
	struct drm_gfx_userq_create q = { .eventfd = ev, .flags = 1 };
	struct drm_gfx_userq_destroy d = { .context = 1 };

	CHECK(ioc(fd, DRM_IOCTL_GFX_USERQ_CREATE, &q) == -EINVAL, "flags 1 accepted");
	q = (struct drm_gfx_userq_create){ .eventfd = ev, .pad = 1 };
	CHECK(ioc(fd, DRM_IOCTL_GFX_USERQ_CREATE, &q) == -EINVAL, "pad 1 accepted");
	q = (struct drm_gfx_userq_create){ .eventfd = -1 };
	CHECK(ioc(fd, DRM_IOCTL_GFX_USERQ_CREATE, &q) == -EINVAL, "eventfd -1 accepted");
	q = (struct drm_gfx_userq_create){ .eventfd = fd };	/* not an eventfd */
	CHECK(ioc(fd, DRM_IOCTL_GFX_USERQ_CREATE, &q) == -EINVAL, "a DRM fd taken as the eventfd");
	CHECK(ioc(fd, DRM_IOCTL_GFX_USERQ_DESTROY, &d) == -ENOENT, "DESTROY without a queue");
	d.pad = 1;
	CHECK(ioc(fd, DRM_IOCTL_GFX_USERQ_DESTROY, &d) == -EINVAL, "DESTROY with pad 1");
	CHECK(mmap(NULL, page_size(), PROT_READ, MAP_SHARED, fd, (off_t)1 << 28) == MAP_FAILED &&
	      errno == EACCES, "a queue's map with no queue: %s", strerror(errno));
	close(ev);
	close(fd);
	return 0;
}

static int uapi_maps(struct rawq *a)
{
	struct rawq other = { -1, -1 };
	void *p;

	CHECK(rawq_map(a, 3, page_size(), PROT_READ, MAP_SHARED) == MAP_FAILED && errno == EINVAL,
	      "page 3 (between the maps) mapped");
	CHECK(rawq_map(a, DRM_GFX_USERQ_MAP_REGS, 2 * page_size(), PROT_READ, MAP_SHARED) == MAP_FAILED &&
	      errno == EINVAL, "two pages from the register page mapped");
	CHECK(rawq_map(a, DRM_GFX_USERQ_MAP_WINDOW, a->q.window_size + page_size(), PROT_READ,
		       MAP_SHARED) == MAP_FAILED && errno == EINVAL, "past the window mapped");
	CHECK(rawq_map(a, DRM_GFX_USERQ_MAP_IRQ, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED) ==
	      MAP_FAILED && errno == EPERM, "a writable irq page: %s", strerror(errno));
	p = rawq_map(a, DRM_GFX_USERQ_MAP_IRQ, page_size(), PROT_READ, MAP_SHARED);
	CHECK(p != MAP_FAILED && mprotect(p, page_size(), PROT_READ | PROT_WRITE) < 0,
	      "the irq page made writable by mprotect");
	munmap(p, page_size());
	CHECK(rawq_map(a, DRM_GFX_USERQ_MAP_WINDOW, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE) ==
	      MAP_FAILED && errno == EINVAL, "a private map of the window");
	/* Another file (this process's too) may not map a's queue. */
	other.fd = must_open(true);
	CHECK(mmap(NULL, page_size(), PROT_READ, MAP_SHARED, other.fd, (off_t)a->q.mmap_offset) ==
	      MAP_FAILED && errno == EACCES, "another file mapped the queue");
	close(other.fd);
	return 0;
}

static int case_uapi(void)
{
	struct rawq a, all[GFX_MAX_CONTEXTS];
	volatile uint32_t *regs;
	struct drm_gfx_userq_destroy d;
	uint64_t count;
	unsigned n = 0;

	if (uapi_refusals())
		return 1;
	CHECK(rawq_create(&a) == 0, "create: %s", strerror(errno));
	count = param(a.fd, DRM_GFX_PARAM_USERQ_COUNT, 0);
	CHECK(ioc(a.fd, DRM_IOCTL_GFX_USERQ_CREATE, &(struct drm_gfx_userq_create){ .eventfd = a.ev }) ==
	      -EBUSY, "a second queue on one file");
	if (uapi_maps(&a))
		return 1;
	regs = rawq_map(&a, DRM_GFX_USERQ_MAP_REGS, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(regs != MAP_FAILED && regs[GFX_REG_CONTEXT_ID / 4] == a.q.context,
	      "the register page is not context %u's", a.q.context);
	d = (struct drm_gfx_userq_destroy){ .context = a.q.context + 1 };
	CHECK(ioc(a.fd, DRM_IOCTL_GFX_USERQ_DESTROY, &d) == -ENOENT, "DESTROY of another context");
	CHECK(read_signal(regs) == 0, "the register page faulted before DESTROY");
	d.context = a.q.context;
	CHECK(ioc(a.fd, DRM_IOCTL_GFX_USERQ_DESTROY, &d) == 0, "DESTROY: %s", strerror(errno));
	CHECK(read_signal(regs) == SIGBUS, "the register page after DESTROY: no SIGBUS");
	munmap((void *)regs, page_size());
	rawq_close(&a);
	/* Every queue there is, then ENOSPC. */
	for (n = 0; n < GFX_MAX_CONTEXTS; n++)
		if (rawq_create(&all[n]) < 0)
			break;
	CHECK(n == count && errno == ENOSPC, "%u queues made of %llu, then %s", n,
	      (unsigned long long)count, strerror(errno));
	for (unsigned i = 0; i <= n && i < GFX_MAX_CONTEXTS; i++)
		rawq_close(&all[i]);
	printf("ok uapi: refusals with their errno, maps confined to the queue, SIGBUS after DESTROY, "
	       "%u queues then ENOSPC\n", n);
	return 0;
}

/* ---- the window shared: a compositor's view of a queue ---- */

/* A dma-buf of `handle` on `from`, imported on `to`: the handle there, or 0. */
static uint32_t share(int from, uint32_t handle, int to)
{
	struct drm_prime_handle p = { .handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_prime_handle q = { 0 };

	if (ioc(from, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p) < 0)
		return 0;
	q.fd = p.fd;
	if (ioc(to, DRM_IOCTL_PRIME_FD_TO_HANDLE, &q) < 0)
		q.handle = 0;
	close(p.fd);
	return q.handle;
}

static int case_share(void)
{
	int comp = must_open(true);
	uint64_t free0 = param(comp, DRM_GFX_PARAM_VRAM_FREE, 0), count, done;
	struct drm_gfx_bo_info own = { 0 }, imp = { 0 };
	struct drm_gfx_get_param gp = { .param = DRM_GFX_PARAM_CONTEXT_FENCE };
	struct gfx_device *dev;
	struct gfx_info info;
	struct rawq a, b;
	uint32_t ctx;

	/* The queue's side through libgfx: a fill with a fence, so the fence has moved. */
	CHECK(gfx_open("drm-userq", &dev) == 0, "open: %s", gfx_last_error(NULL));
	if (draw_once(dev, 0xff102030u, &ctx) || gfx_get_info(dev, &info) < 0)
		return 1;
	count = param(comp, DRM_GFX_PARAM_USERQ_COUNT, 0);
	gp.index = ctx;
	CHECK(ioc(comp, DRM_IOCTL_GFX_GET_PARAM, &gp) == 0 && gp.value == info.fence_done && gp.value > 0,
	      "CONTEXT_FENCE of %u from another file: %llu, the queue's own %llu", ctx,
	      (unsigned long long)gp.value, (unsigned long long)info.fence_done);
	done = gp.value;
	for (uint32_t bad = 0; bad <= count + 1; bad += (uint32_t)count + 1) {
		gp.index = bad;
		CHECK(ioc(comp, DRM_IOCTL_GFX_GET_PARAM, &gp) == -EINVAL, "CONTEXT_FENCE of context %u", bad);
	}
	gfx_close(dev);

	/* The bare uapi: the window's object, shared. */
	CHECK(rawq_create(&a) == 0, "create: %s", strerror(errno));
	own.handle = a.q.window_handle;
	CHECK(ioc(a.fd, DRM_IOCTL_GFX_BO_INFO, &own) == 0 && own.context == a.q.context &&
	      own.offset == a.q.window_offset && own.size == a.q.window_size,
	      "BO_INFO of the window handle: context %u offset %#llx size %llu, the queue's %u %#x %u",
	      own.context, (unsigned long long)own.offset, (unsigned long long)own.size, a.q.context,
	      a.q.window_offset, a.q.window_size);
	imp.handle = share(a.fd, a.q.window_handle, comp);
	CHECK(imp.handle && ioc(comp, DRM_IOCTL_GFX_BO_INFO, &imp) == 0 && imp.context == a.q.context &&
	      imp.offset == own.offset, "the imported window: context %u offset %#llx", imp.context,
	      (unsigned long long)imp.offset);
	rawq_close(&a);		/* the queue is revoked; the import still holds the window */
	CHECK(param(comp, DRM_GFX_PARAM_VRAM_FREE, 0) == free0 - a.q.window_size,
	      "VRAM free %llu with the window held, %llu before the queue",
	      (unsigned long long)param(comp, DRM_GFX_PARAM_VRAM_FREE, 0), (unsigned long long)free0);
	CHECK(rawq_create(&b) == 0 && b.q.context != a.q.context,
	      "a queue while context %u's window is held: %s, context %u", a.q.context, strerror(errno),
	      b.q.context);
	rawq_close(&b);
	gem_close(comp, imp.handle);
	CHECK(param(comp, DRM_GFX_PARAM_VRAM_FREE, 0) == free0, "VRAM free %llu after the import went, "
	      "%llu before", (unsigned long long)param(comp, DRM_GFX_PARAM_VRAM_FREE, 0),
	      (unsigned long long)free0);
	CHECK(rawq_create(&b) == 0 && b.q.context == a.q.context,
	      "context %u is not handed out again once its window is free (got %u: %s)", a.q.context,
	      b.q.context, strerror(errno));
	rawq_close(&b);
	close(comp);
	printf("ok share: context %u's fence %llu read by another file; its window a GEM object that "
	       "the importer kept out of use until it let go\n", ctx, (unsigned long long)done);
	return 0;
}

/* ---- unbind under a live queue ---- */

/* Block on the device's fd until it wakes (the unbind's wake-up), then dispatch. */
static int wait_gone(struct gfx_device *dev)
{
	struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

	if (poll(&p, 1, 10000) != 1)
		return -ETIMEDOUT;
	return gfx_dispatch(dev, NULL, NULL);
}

static int case_gone(const char *pci)
{
	char unbind[128], bind[128];
	struct gfx_device *dev;
	struct gfx_bo *bo;
	int r, r2, sig, st;
	pid_t pid;

	snprintf(unbind, sizeof(unbind), "/sys/bus/pci/drivers/%s/unbind", GFX_DRM_NAME);
	snprintf(bind, sizeof(bind), "/sys/bus/pci/drivers/%s/bind", GFX_DRM_NAME);
	CHECK(gfx_open("drm-userq", &dev) == 0, "open: %s", gfx_last_error(NULL));
	CHECK(gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &bo) == 0, "buffer: %s", gfx_last_error(dev));
	pid = fork();
	if (pid == 0) {
		usleep(300000);		/* the parent is asleep in poll() by then */
		_exit(write_file(unbind, pci) == 0 ? 0 : 1);
	}
	r = wait_gone(dev);
	r2 = gfx_finish(dev, SEC);	/* lost: no mapping is touched again */
	sig = read_signal((volatile uint32_t *)bo->map);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "unbind %s failed", pci);
	gfx_close(dev);
	CHECK(write_file(bind, pci) == 0, "bind %s again: %s", pci, strerror(errno));
	CHECK(r == -ENODEV && r2 == -ENODEV, "after unbind dispatch returned %d, finish %d, not -ENODEV",
	      r, r2);
	CHECK(sig == SIGBUS, "the window after unbind: signal %d, not SIGBUS", sig);
	printf("ok gone: the wake-up after unbind says %s, and so does the next wait; the window "
	       "faults with SIGBUS; bound again\n", strerror(-r));
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "draw"))
		return case_draw();
	if (!strcmp(c, "clear"))
		return case_clear();
	if (!strcmp(c, "uapi"))
		return case_uapi();
	if (!strcmp(c, "share"))
		return case_share();
	if (!strcmp(c, "gone") && argc > 2)
		return case_gone(argv[2]);
	fprintf(stderr, "usage: gfx-vm-drm-userq draw|clear|uapi|share|gone PCI_ADDRESS\n");
	return 2;
}
