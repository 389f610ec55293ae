/* SPDX-License-Identifier: MIT */
/*
 * guest_test.c - gfx-vm-test, the guest-side pieces of `make check-vm`.
 *
 *   gfx-vm-test irqro             the irq map is read-only (mmap, mprotect)
 *   gfx-vm-test storm [FENCES]    fences and vblanks; no wake-up may be lost
 *   gfx-vm-test spin READYFILE    submit forever (killed with -9 by the test)
 *   gfx-vm-test quiet [MS]        the device is quiet: ring stopped, IRQ_ENABLE 0
 *   gfx-vm-test render            open, draw, wait for the fence, check pixels
 *   gfx-vm-test hold READYFILE    hold the device open until it is taken away
 *   gfx-vm-test irqctl            irqcontrol 0/1 through the fd; a second open
 *                                 file closing does not quiesce the first
 *   gfx-vm-test dropped N         N fence waits whose interrupts the device drops
 *                                 (gfx-ctl drop-irqs N first): each < 500 ms
 *   gfx-vm-test hang              the engine hangs (gfx-ctl hang first): the
 *                                 wait times out, gfx_reset() recovers
 *   gfx-vm-test reload KO N       rmmod + insmod KO N times (system calls, no
 *                                 process per step: exec is slow under TCG)
 *   gfx-vm-test exclusive         another process's open of the master's node
 *                                 gets -EBUSY and the master keeps rendering; a
 *                                 client context's node has one open file
 *   gfx-vm-test ctxkill           a client context's process is killed with -9
 *                                 mid-frame: that context alone is quiesced, the
 *                                 master renders on, the context is reused only
 *                                 once the last holder of its node closed it
 *
 * Each prints one "ok ..." line and exits 0, or prints why and exits 1;
 * tests/vm/guest.sh turns that into PASS/FAIL lines.
 */
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "gfx.h"
#include "vmutil.h"

#define SEC 1000000000LL

static struct gfx_device *open_dev(void)
{
	struct gfx_device *dev;
	int r = gfx_open("uio", &dev);

	if (r < 0) {
		printf("gfx_open(uio): %s\n", gfx_last_error(NULL));
		exit(1);
	}
	return dev;
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f)
		fclose(f);
}

static int cmd_irqro(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int uio = vm_uio_index(), mi, fd;
	char node[64];
	void *p;

	if (uio < 0 || (mi = vm_uio_map_index(uio, GFX_UIO_MAP_IRQ)) < 0) {
		printf("no uio_gfx device with an irq map\n");
		return 1;
	}
	snprintf(node, sizeof(node), "/dev/uio%d", uio);
	fd = open(node, O_RDWR);
	if (fd < 0) {
		printf("open %s: %s\n", node, strerror(errno));
		return 1;
	}
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mi * page);
	if (p != MAP_FAILED) {
		printf("the irq map was mapped writable\n");
		return 1;
	}
	p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, mi * page);
	if (p == MAP_FAILED) {
		printf("read-only mmap of the irq map failed: %s\n", strerror(errno));
		return 1;
	}
	if (mprotect(p, (size_t)page, PROT_READ | PROT_WRITE) == 0) {
		printf("mprotect made the irq map writable\n");
		return 1;
	}
	printf("ok irq map read-only, count %llu\n",
	       (unsigned long long)((const struct gfx_uio_irq_page *)p)->count);
	munmap(p, (size_t)page);
	close(fd);
	return 0;
}

/*
 * Fences one by one and in bursts (several interrupts per wake-up), each
 * waited by blocking on the event fd; vblank events stay on throughout.
 * A lost wake-up is a poll() that times out although the fence is done.
 */
static int cmd_storm(int n)
{
	const volatile struct gfx_uio_irq_page *ip = vm_map_irq_page();
	struct gfx_device *dev = open_dev();
	int fd = gfx_get_fd(dev), wakes = 0, i, r;
	uint64_t v0, v1, t0, seq = 0, irqs0, fences0, spur0;
	struct gfx_info info;

	if (!ip) {
		printf("no irq page\n");
		return 1;
	}
	irqs0 = ip->count;
	fences0 = ip->cause_count[__builtin_ctz(GFX_IRQ_FENCE)];
	spur0 = ip->spurious;

	gfx_set_vblank_events(dev, true);
	gfx_get_info(dev, &info);
	v0 = info.vblank_seq;
	t0 = (uint64_t)vm_now_ns();
	for (i = 0; i < n; ) {
		int burst = (i / 50) % 2 ? 8 : 1;

		for (int k = 0; k < burst && i < n; k++, i++) {
			r = gfx_fence(dev, true, &seq);
			if (r == 0)
				r = gfx_submit(dev);
			if (r < 0) {
				printf("fence %d: %s\n", i, gfx_last_error(dev));
				return 1;
			}
		}
		while (!gfx_fence_done(dev, seq)) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			r = poll(&p, 1, 2000);
			if (r == 0) {
				printf("lost wake-up: fence %llu %s after 2 s without an interrupt\n",
				       (unsigned long long)seq,
				       gfx_fence_done(dev, seq) ? "done" : "not done");
				return 1;
			}
			wakes++;
			if (gfx_dispatch(dev, NULL, NULL) < 0) {
				printf("dispatch: %s\n", gfx_last_error(dev));
				return 1;
			}
		}
	}
	/* Keep going until at least 120 vblanks were seen, all through interrupts. */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		gfx_get_info(dev, &info);
		if (info.vblank_seq - v0 >= 120)
			break;
		if (poll(&p, 1, 2000) == 0) {
			printf("lost wake-up: no vblank interrupt for 2 s\n");
			return 1;
		}
		wakes++;
		gfx_dispatch(dev, NULL, NULL);
	}
	v1 = info.vblank_seq;
	printf("ok %d fences (bursts of 1 and 8) and %llu vblanks in %.1f s: %llu interrupts "
	       "(%llu with FENCE, %llu spurious), %d wake-ups\n", n, (unsigned long long)(v1 - v0),
	       (double)((uint64_t)vm_now_ns() - t0) / SEC, (unsigned long long)(ip->count - irqs0),
	       (unsigned long long)(ip->cause_count[__builtin_ctz(GFX_IRQ_FENCE)] - fences0),
	       (unsigned long long)(ip->spurious - spur0), wakes);
	gfx_close(dev);
	return 0;
}

/* Fill the bo with colour c and finish; 0 if its pixels read back as c. */
static int draw_and_check(struct gfx_device *dev, struct gfx_bo *bo, uint32_t c)
{
	struct gfx_rect r = { 0, 0, bo->width, bo->height };
	volatile uint32_t *px = bo->map;

	if (gfx_set_dst(dev, bo) < 0 || gfx_fill(dev, GFX_SRC, c, &r, 1) < 0 ||
	    gfx_finish(dev, 5 * SEC) < 0)
		return -1;
	for (uint32_t y = 0; y < bo->height; y += 17)
		if (px[y * (bo->stride / 4) + y % bo->width] != c)
			return -1;
	return 0;
}

static int cmd_spin(const char *ready)
{
	struct gfx_device *dev = open_dev();
	struct gfx_bo *bo;
	struct gfx_rect r = { 0, 0, 64, 64 };
	uint64_t seq;

	if (gfx_bo_create(dev, 512, 512, GFX_FMT_XRGB8888, &bo) < 0) {
		printf("bo: %s\n", gfx_last_error(dev));
		return 1;
	}
	gfx_set_dst(dev, bo);
	for (unsigned int i = 0;; i++) {
		r.x = (int32_t)(i * 7 % 448);
		r.y = (int32_t)(i * 13 % 448);
		gfx_fill(dev, GFX_SRC, 0xff000000u | i, &r, 1);
		if (i % 64 == 0) {
			gfx_fence(dev, true, &seq);
			gfx_submit(dev);
		}
		if (i == 4096)
			touch(ready);
	}
}

/* The device as the last close left it: ring stopped, no interrupt sources. */
static int cmd_quiet(int ms)
{
	char bdf[300];
	int fd = -1;
	const volatile uint8_t *regs = vm_map_regpage_uio(&fd, bdf, sizeof(bdf));
	int64_t deadline = vm_now_ns() + (int64_t)ms * 1000000;
	uint32_t st, en, ctl;

	if (!regs)
		regs = vm_map_regpage(bdf, sizeof(bdf));
	if (!regs) {
		printf("no ivshmem device with the GPU's magic in BAR2\n");
		return 1;
	}
	do {
		st = vm_rd32(regs, GFX_REG_STATUS);
		en = vm_rd32(regs, GFX_REG_IRQ_ENABLE);
		ctl = vm_rd32(regs, GFX_REG_CONTROL);
		if (!(st & GFX_STATUS_RING_RUNNING) && en == 0 && !(ctl & GFX_CTRL_RING_ENABLE)) {
			printf("ok %s quiet: STATUS %#x IRQ_ENABLE %#x CONTROL %#x\n", bdf, st, en,
			       ctl);
			return 0;
		}
		usleep(10000);
	} while (vm_now_ns() < deadline);
	printf("%s not quiet after %d ms: STATUS %#x IRQ_ENABLE %#x CONTROL %#x\n", bdf, ms, st,
	       en, ctl);
	return 1;
}

static int cmd_render(void)
{
	struct gfx_device *dev = open_dev();
	struct gfx_bo *bo;

	if (gfx_bo_create(dev, 256, 256, GFX_FMT_XRGB8888, &bo) < 0 ||
	    draw_and_check(dev, bo, 0xff3366ccu) < 0 || draw_and_check(dev, bo, 0xffcc6633u) < 0) {
		printf("render: %s\n", gfx_last_error(dev));
		return 1;
	}
	printf("ok rendered and read back\n");
	gfx_bo_destroy(dev, bo);
	gfx_close(dev);
	return 0;
}

/* Block on vblanks until the device goes away; that must be -ENODEV, soon. */
static int cmd_hold(const char *ready)
{
	struct gfx_device *dev = open_dev();
	uint64_t seq, t;
	int64_t gone = 0;
	int r;

	touch(ready);
	for (;;) {
		r = gfx_wait_vblank(dev, &seq, &t, 30 * SEC);
		if (r < 0)
			break;
		gone = vm_now_ns();
	}
	if (r != -ENODEV) {
		printf("waiting ended with %d (%s), not -ENODEV\n", r, gfx_last_error(dev));
		return 1;
	}
	r = gfx_finish(dev, SEC);
	printf("ok wait returned -ENODEV %.0f ms after the last vblank; then finish: %d\n",
	       (double)(vm_now_ns() - gone) / 1e6, r);
	gfx_close(dev);
	return r == -ENODEV ? 0 : 1;
}

static int cmd_irqctl(void)
{
	const volatile struct gfx_uio_irq_page *ip = vm_map_irq_page();
	struct gfx_device *dev = open_dev();
	int uio = vm_uio_index(), fd;
	int32_t off = 0, on = 1;
	struct gfx_info info;
	struct gfx_bo *bo;
	uint64_t c0, c1;
	char node[64];

	snprintf(node, sizeof(node), "/dev/uio%d", uio);
	fd = open(node, O_RDWR);
	if (!ip || fd < 0 || gfx_bo_create(dev, 128, 128, GFX_FMT_XRGB8888, &bo) < 0 ||
	    draw_and_check(dev, bo, 0xff102030u) < 0) {
		printf("setup failed: %s\n", gfx_last_error(dev));
		return 1;
	}
	gfx_set_vblank_events(dev, true);	/* an interrupt at every vblank */
	usleep(100000);
	if (write(fd, &off, sizeof(off)) != sizeof(off)) {
		printf("irqcontrol write: %s\n", strerror(errno));
		return 1;
	}
	usleep(100000);
	c0 = ip->count;
	usleep(300000);
	c1 = ip->count;
	if (c1 != c0) {
		printf("%llu interrupts in 300 ms with IRQ_MASTER 0\n", (unsigned long long)(c1 - c0));
		return 1;
	}
	if (write(fd, &on, sizeof(on)) != sizeof(on)) {
		printf("irqcontrol write: %s\n", strerror(errno));
		return 1;
	}
	usleep(300000);
	if (ip->count - c1 < 5) {
		printf("only %llu interrupts in 300 ms after irqcontrol 1\n",
		       (unsigned long long)(ip->count - c1));
		return 1;
	}
	c1 = ip->count - c1;
	close(fd);	/* not the last open file: must not quiesce */
	gfx_get_info(dev, &info);
	if (draw_and_check(dev, bo, 0xff405060u) < 0 || !(info.status & GFX_STATUS_RING_RUNNING)) {
		printf("the device stopped when a second open file closed: %s (STATUS %#x)\n",
		       gfx_last_error(dev), info.status);
		return 1;
	}
	printf("ok none with IRQ_MASTER 0, %llu in 300 ms with 1; second close left the ring "
	       "running\n", (unsigned long long)c1);
	gfx_close(dev);
	return 0;
}

static int cmd_dropped(int n)
{
	struct gfx_device *dev = open_dev();
	struct gfx_bo *bo;
	uint64_t seq;

	if (gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &bo) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		int64_t t0 = vm_now_ns(), dt;

		/* The fence comes after a vblank, so the wait has to sleep. */
		if (gfx_set_dst(dev, bo) < 0 || gfx_emit_wait_vblank(dev) < 0 ||
		    gfx_fence(dev, true, &seq) < 0 || gfx_fence_wait(dev, seq, 2 * SEC) < 0) {
			printf("fence %d: %s\n", i, gfx_last_error(dev));
			return 1;
		}
		dt = vm_now_ns() - t0;
		if (dt > 500000000) {
			printf("fence %d took %.0f ms without its interrupt\n", i, dt / 1e6);
			return 1;
		}
	}
	if (draw_and_check(dev, bo, 0xff00ff00u) < 0) {
		printf("render after: %s\n", gfx_last_error(dev));
		return 1;
	}
	printf("ok %d fences done although their interrupts were dropped\n", n);
	gfx_close(dev);
	return 0;
}

static int cmd_hang(void)
{
	struct gfx_device *dev = open_dev();
	struct gfx_bo *bo;
	uint64_t seq;
	int r;

	if (gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &bo) < 0 || gfx_fence(dev, true, &seq) < 0)
		return 1;
	r = gfx_fence_wait(dev, seq, 300000000);
	if (r != -ETIMEDOUT) {
		printf("wait on a hung engine returned %d (%s), not -ETIMEDOUT\n", r,
		       gfx_last_error(dev));
		return 1;
	}
	r = gfx_reset(dev);
	if (r < 0 || draw_and_check(dev, bo, 0xff0000ffu) < 0) {
		printf("after reset (%d): %s\n", r, gfx_last_error(dev));
		return 1;
	}
	printf("ok hang detected by the fence timeout, reset, rendering again\n");
	gfx_close(dev);
	return 0;
}

static int cmd_reload(const char *ko, int n)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *image;

	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("%s: %s\n", ko, strerror(errno));
		return 1;
	}
	image = malloc((size_t)st.st_size);
	if (!image || read(fd, image, (size_t)st.st_size) != st.st_size) {
		printf("cannot read %s\n", ko);
		return 1;
	}
	close(fd);
	for (int i = 1; i <= n; i++) {
		if (syscall(SYS_delete_module, GFX_UIO_NAME, O_NONBLOCK) < 0) {
			printf("rmmod %d: %s\n", i, strerror(errno));
			return 1;
		}
		if (vm_uio_index() >= 0) {
			printf("reload %d: uio_gfx still registered after rmmod\n", i);
			return 1;
		}
		if (syscall(SYS_init_module, image, (unsigned long)st.st_size, "") < 0) {
			printf("insmod %d: %s\n", i, strerror(errno));
			return 1;
		}
		if (vm_uio_index() < 0) {
			printf("reload %d: no uio_gfx device after insmod\n", i);
			return 1;
		}
	}
	free(image);
	printf("ok %d reloads\n", n);
	return 0;
}

/* In a child: open the node at path; its errno (0 if the open worked). */
static int open_errno_elsewhere(const char *path)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd = open(path, O_RDWR);

		_exit(fd < 0 ? errno : 0);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int cmd_exclusive(void)
{
	struct gfx_device *dev = open_dev();
	struct gfx_context_handle h;
	struct gfx_bo *bo;
	char node[64], ctx_node[64];
	int e, r;

	snprintf(node, sizeof(node), "/dev/uio%d", vm_uio_index());
	if (gfx_bo_create(dev, 128, 128, GFX_FMT_XRGB8888, &bo) < 0 || draw_and_check(dev, bo, 0xff102030u) < 0)
		return printf("setup: %s\n", gfx_last_error(dev)), 1;
	e = open_errno_elsewhere(node);
	if (e != EBUSY)
		return printf("a second process opening %s got %s, not EBUSY\n", node, strerror(e)), 1;
	if (draw_and_check(dev, bo, 0xff405060u) < 0)
		return printf("the master stopped after the refused open: %s\n", gfx_last_error(dev)), 1;
	r = gfx_context_acquire(dev, &h);
	if (r < 0)
		return printf("context_acquire: %s\n", gfx_last_error(dev)), 1;
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", h.fds[0]);
	n = readlink(link, ctx_node, sizeof(ctx_node) - 1);
	if (n < 0)
		return printf("readlink: %s\n", strerror(errno)), 1;
	ctx_node[n] = 0;
	e = open(ctx_node, O_RDWR) < 0 ? errno : 0;	/* not even the master's own process */
	if (e != EBUSY)
		return printf("reopening client context %u's %s gave %s, not EBUSY\n", h.context, ctx_node,
			      strerror(e)), 1;
	gfx_context_handle_close(&h);
	gfx_context_release(dev, h.context);
	printf("ok %s: EBUSY for a second process, the master rendered on; context %u's node "
	       "has one open file\n", node, h.context);
	gfx_close(dev);
	return 0;
}

/* The child of cmd_ctxkill: render on the handed-over context until killed. */
static void __attribute__((noreturn)) ctx_spinner(struct gfx_context_handle *h, int ready)
{
	struct gfx_device *c;
	struct gfx_bo *bo;
	struct gfx_rect r = { 0, 0, 32, 32 };
	uint64_t seq;

	if (gfx_open_context(h, &c) < 0 || gfx_bo_create(c, 256, 256, GFX_FMT_XRGB8888, &bo) < 0) {
		printf("client: %s\n", gfx_last_error(NULL));
		_exit(1);
	}
	gfx_set_dst(c, bo);
	for (unsigned int i = 0;; i++) {
		r.x = (int32_t)(i * 7 % 224);
		gfx_fill(c, GFX_SRC, 0xff000000u | i, &r, 1);
		if (i % 64 == 0) {
			gfx_fence(c, true, &seq);
			gfx_submit(c);
		}
		if (i == 2048 && write(ready, "r", 1) != 1)
			_exit(1);
	}
}

static bool context_running(struct gfx_device *dev, uint32_t ctx, struct gfx_context_info *ci)
{
	return gfx_context_info(dev, ctx, ci) == 0 && (ci->status & GFX_STATUS_RING_RUNNING);
}

static int cmd_ctxkill(void)
{
	struct gfx_device *dev = open_dev();
	struct gfx_context_handle h, h2;
	struct gfx_context_info ci;
	struct gfx_bo *bo;
	int pipefd[2];
	uint32_t ctx, resets;
	uint64_t fence0;
	char c;
	pid_t pid;

	if (gfx_bo_create(dev, 128, 128, GFX_FMT_XRGB8888, &bo) < 0 || pipe(pipefd) < 0 ||
	    gfx_context_acquire(dev, &h) < 0)
		return printf("setup: %s\n", gfx_last_error(dev)), 1;
	ctx = h.context;
	if (gfx_context_info(dev, ctx, &ci) < 0)
		return printf("context %u: %s\n", ctx, gfx_last_error(dev)), 1;
	fence0 = ci.fence_done;
	pid = fork();
	if (pid == 0)
		ctx_spinner(&h, pipefd[1]);
	gfx_context_handle_close(&h);
	struct pollfd p = { pipefd[0], POLLIN, 0 };

	if (poll(&p, 1, 30000) != 1 || read(pipefd[0], &c, 1) != 1)
		return kill(pid, SIGKILL), printf("the client never got going on context %u\n", ctx), 1;
	/*
	 * Its fences pass: the context runs the client's work. (Not "the ring
	 * is running now": the engine can catch up with the client whenever
	 * the client is off the CPU.) Within 5 s: the client may have queued
	 * all it said before the engine took up its first job (a CI run read
	 * it 0.18 s after the client's word and found none done yet).
	 */
	for (int i = 0; i < 500 && gfx_context_info(dev, ctx, &ci) == 0 && ci.fence_done == fence0;
	     i++)
		usleep(10000);
	if (gfx_context_info(dev, ctx, &ci) < 0 || ci.fence_done == fence0)
		return kill(pid, SIGKILL), printf("context %u completed none of the client's fences "
						  "in 5 s: %s\n", ctx, gfx_last_error(dev)), 1;
	/*
	 * While the client holds the node, its context is not handed out again.
	 * Releasing it revokes the client's maps: the client may die of SIGBUS
	 * at once and close the node, and then the context is free by right.
	 */
	gfx_context_release(dev, ctx);
	if (gfx_context_acquire(dev, &h2) == 0 && h2.context == ctx &&
	    waitpid(pid, NULL, WNOHANG) == 0)
		return kill(pid, SIGKILL), printf("context %u handed out while its client holds it\n", ctx), 1;
	gfx_context_handle_close(&h2);
	gfx_context_release(dev, h2.context);
	resets = ci.reset_count;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 300 && (context_running(dev, ctx, &ci) || ci.reset_count == resets); i++)
		usleep(10000);
	if (ci.status & GFX_STATUS_RING_RUNNING || ci.reset_count == resets)
		return printf("context %u not quiesced after its holder died: STATUS %#x, resets %u\n", ctx,
			      ci.status, ci.reset_count), 1;
	if (draw_and_check(dev, bo, 0xff607080u) < 0)
		return printf("the master stopped: %s\n", gfx_last_error(dev)), 1;
	if (gfx_context_acquire(dev, &h2) < 0 || h2.context != ctx)
		return printf("context %u not free after its last holder died (got %u: %s)\n", ctx,
			      h2.context, gfx_last_error(dev)), 1;
	gfx_context_handle_close(&h2);
	gfx_context_release(dev, ctx);
	printf("ok client on context %u killed mid-frame: that context reset and stopped (STATUS %#x), "
	       "the master rendered on, the context free again only after the kill\n", ctx, ci.status);
	gfx_close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "irqro"))
		return cmd_irqro();
	if (!strcmp(cmd, "storm"))
		return cmd_storm(argc > 2 ? atoi(argv[2]) : 400);
	if (!strcmp(cmd, "spin") && argc > 2)
		return cmd_spin(argv[2]);
	if (!strcmp(cmd, "quiet"))
		return cmd_quiet(argc > 2 ? atoi(argv[2]) : 3000);
	if (!strcmp(cmd, "render"))
		return cmd_render();
	if (!strcmp(cmd, "hold") && argc > 2)
		return cmd_hold(argv[2]);
	if (!strcmp(cmd, "dropped"))
		return cmd_dropped(argc > 2 ? atoi(argv[2]) : 3);
	if (!strcmp(cmd, "hang"))
		return cmd_hang();
	if (!strcmp(cmd, "irqctl"))
		return cmd_irqctl();
	if (!strcmp(cmd, "reload") && argc > 3)
		return cmd_reload(argv[2], atoi(argv[3]));
	if (!strcmp(cmd, "exclusive"))
		return cmd_exclusive();
	if (!strcmp(cmd, "ctxkill"))
		return cmd_ctxkill();
	fprintf(stderr, "usage: gfx-vm-test irqro|storm [N]|spin FILE|quiet [MS]|render|hold FILE|irqctl|dropped N|hang|"
		"reload KO N|exclusive|ctxkill\n");
	return 2;
}
