/* SPDX-License-Identifier: MIT */
/*
 * guest_uio_clients.c - gfx-vm-uio-clients: what the holder of a client
 * context can and cannot do to the master on uio, in the guest on the real
 * kernel. What uio_gfx hands out, it takes back; a client cannot starve the
 * master.
 *
 *   gfx-vm-uio-clients context   the master releases a client context while
 *                                its holder draws in it: the holder's next access is a
 *                                SIGBUS, it can neither map the node again nor
 *                                switch its interrupts back on, its context is
 *                                handed to nobody until it exits, then it is free
 *   gfx-vm-uio-clients unbind    the stub is unbound while a process has the
 *                                master open and mapped: rmmod is refused while
 *                                the node is open; after the unbind its mapping
 *                                gives SIGBUS (not the device), and libgfx's event
 *                                loop reports the device lost without touching
 *                                it; bound again, the GPU renders
 *   gfx-vm-uio-clients doorbells a client rings every doorbell vector as fast as
 *                                it can (the device's, and the guest's own MSI-X
 *                                vectors: interrupts nobody asked for) while the
 *                                master flips a frame per vblank: the master
 *                                still shows a new frame on >= 95 % of vblanks
 *                                (segments alone and flooded, interleaved)
 *
 * Each prints one "ok ..." line and exits 0, or prints why and exits 1.
 */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "gfx.h"
#include "vmutil.h"

#define SEC 1000000000LL

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_hits;

static void on_sigbus(int sig)
{
	bus_hits++;
	siglongjmp(bus_jmp, 1);
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

/* Read a u32 at p; -1 if it raised SIGBUS. */
static int64_t probe_read(const volatile uint8_t *p)
{
	if (sigsetjmp(bus_jmp, 1))
		return -1;
	return *(const volatile uint32_t *)p;
}

static int write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The PCI address the master's uio device sits on, from its sysfs link. */
static int uio_pci_addr(char *bdf, size_t len)
{
	char link[300], target[300];
	int uio = vm_uio_index();
	ssize_t n;

	if (uio < 0)
		return -ENOENT;
	snprintf(link, sizeof(link), "/sys/class/uio/uio%d/device", uio);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -errno;
	target[n] = 0;
	snprintf(bdf, len, "%.63s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
	return 0;
}

/*
 * The child of cmd_context: draw in the handed-over context until the
 * master takes it back. Reports on `rep`: "drawing", then what it found
 * after the SIGBUS ("bus mmap=E irqctl=E").
 */
static void __attribute__((noreturn)) holder(struct gfx_context_handle *h, int rep)
{
	int fd = h->fds[0], map_err, irq_err;
	long page = sysconf(_SC_PAGESIZE);
	struct gfx_device *c;
	struct gfx_bo *bo;
	uint64_t seq;
	char msg[128];

	if (gfx_open_context(h, &c) < 0 || gfx_bo_create(c, 128, 128, GFX_FMT_XRGB8888, &bo) < 0) {
		dprintf(rep, "client: %s\n", gfx_last_error(NULL));
		_exit(1);
	}
	catch_sigbus();
	if (!sigsetjmp(bus_jmp, 1)) {
		gfx_set_dst(c, bo);
		for (unsigned int i = 0;; i++) {
			gfx_fill(c, GFX_SRC, 0xff000000u | i, &(struct gfx_rect){ 0, 0, 128, 128 }, 1);
			if (gfx_fence(c, true, &seq) == 0 && gfx_submit(c) == 0)
				gfx_fence_wait(c, seq, SEC);
			if (i == 16)
				dprintf(rep, "drawing\n");
		}
	}
	/* Taken back. Try to get it again the ways a holder could. */
	map_err = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page) == MAP_FAILED ?
		  errno : 0;
	irq_err = write(fd, &(int32_t){ 1 }, 4) < 0 ? errno : 0;
	snprintf(msg, sizeof(msg), "bus mmap=%d irqctl=%d\n", map_err, irq_err);
	if (write(rep, msg, strlen(msg)) < 0)
		_exit(1);
	pause();	/* holding the node until the parent lets go */
	_exit(0);
}

/* One line from fd within ms; "" on timeout. */
static const char *read_line(int fd, int ms, char *buf, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;

	buf[0] = 0;
	if (poll(&p, 1, ms) != 1 || (n = read(fd, buf, len - 1)) <= 0)
		return buf;
	buf[n] = 0;
	return buf;
}

static int cmd_context(void)
{
	struct gfx_device *dev;
	struct gfx_context_handle h, h2;
	int pipefd[2], status;
	char line[128];
	uint32_t ctx;
	int64_t t0;
	pid_t pid;

	if (gfx_open("uio", &dev) < 0 || pipe(pipefd) < 0 || gfx_context_acquire(dev, &h) < 0)
		return printf("setup: %s\n", gfx_last_error(NULL)), 1;
	ctx = h.context;
	pid = fork();
	if (pid == 0)
		holder(&h, pipefd[1]);
	gfx_context_handle_close(&h);	/* the holder alone has the node now */
	if (strcmp(read_line(pipefd[0], 30000, line, sizeof(line)), "drawing\n"))
		return kill(pid, SIGKILL), printf("the holder never drew: '%s'\n", line), 1;
	t0 = vm_now_ns();
	if (gfx_context_release(dev, ctx) < 0)
		return kill(pid, SIGKILL), printf("release: %s\n", gfx_last_error(dev)), 1;
	read_line(pipefd[0], 10000, line, sizeof(line));
	if (strcmp(line, "bus mmap=13 irqctl=13\n"))
		return kill(pid, SIGKILL), printf("after the revoke the holder reported '%s', want a "
						  "SIGBUS, then EACCES (13) for mmap and irqcontrol\n", line), 1;
	printf("holder: SIGBUS %.1f ms after the revoke, mmap and irqcontrol EACCES\n",
	       (double)(vm_now_ns() - t0) / 1e6);
	/* Still held: not handed out again. */
	if (gfx_context_acquire(dev, &h2) == 0) {
		gfx_context_handle_close(&h2);
		gfx_context_release(dev, h2.context);
		if (h2.context == ctx)
			return kill(pid, SIGKILL), printf("context %u handed out while revoked\n", ctx), 1;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (gfx_context_acquire(dev, &h2) < 0 || h2.context != ctx)
		return printf("context %u not free after its holder exited (got %u: %s)\n", ctx,
			      h2.context, gfx_last_error(dev)), 1;
	gfx_context_handle_close(&h2);
	gfx_context_release(dev, ctx);
	printf("ok context %u revoked mid-frame: SIGBUS, no way back in; busy until its holder "
	       "exited, then free\n", ctx);
	gfx_close(dev);
	return 0;
}

/* Render on a fresh open of the master: the GPU works after the rebind. */
static int render_once(void)
{
	struct gfx_device *dev = NULL;
	struct gfx_bo *bo;
	int r;

	for (int i = 0; i < 50 && gfx_open("uio", &dev) < 0; i++)
		usleep(100000);
	if (!dev)
		return printf("open after bind: %s\n", gfx_last_error(NULL)), -1;
	r = gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &bo) ?: gfx_set_dst(dev, bo) ?:
	    gfx_fill(dev, GFX_SRC, 0xff203040u, &(struct gfx_rect){ 0, 0, 64, 64 }, 1) ?:
	    gfx_finish(dev, 5 * SEC);
	if (r < 0)
		printf("render after bind: %s\n", gfx_last_error(dev));
	gfx_close(dev);
	return r;
}

static void on_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	if (ev->type == GFX_EVENT_DEVICE_LOST)
		*(int *)data = 1;
}

static int cmd_unbind(void)
{
	long page = sysconf(_SC_PAGESIZE);
	const volatile uint8_t *regs;
	struct gfx_device *dev;
	char bdf[64], node[64];
	int uio = vm_uio_index(), fd, mi, r, lost;
	int64_t v;

	if (uio < 0 || uio_pci_addr(bdf, sizeof(bdf)) < 0 || gfx_open("uio", &dev) < 0)
		return printf("setup: %s\n", gfx_last_error(NULL)), 1;
	snprintf(node, sizeof(node), "/dev/uio%d", uio);
	mi = vm_uio_map_index(uio, GFX_UIO_MAP_VRAM);
	fd = open(node, O_RDWR | O_CLOEXEC);	/* the holder may open its node again */
	regs = fd < 0 || mi < 0 ? MAP_FAILED :
	       mmap(NULL, GFX_REG_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, mi * page);
	if (regs == MAP_FAILED)
		return printf("map %s: %s\n", node, strerror(errno)), 1;
	catch_sigbus();
	if ((v = probe_read(regs + GFX_REG_MAGIC)) != GFX_MAGIC)
		return printf("the mapping reads %#llx before the unbind\n", (long long)v), 1;
	errno = 0;
	if (syscall(SYS_delete_module, GFX_UIO_NAME, O_NONBLOCK) == 0 || errno != EWOULDBLOCK)
		return printf("rmmod with the node open: %s, want EWOULDBLOCK (in use)\n",
			      errno ? strerror(errno) : "it went"), 1;
	if ((r = write_sysfs("/sys/bus/pci/drivers/uio_gfx/unbind", bdf)) < 0)
		return printf("unbind %s: %s\n", bdf, strerror(-r)), 1;
	v = probe_read(regs + GFX_REG_MAGIC);
	if (v != -1)
		return printf("the mapping still reads %#llx after the unbind\n", (long long)v), 1;
	/* The event loop's way: the fd says the device is gone before any register is read. */
	lost = 0;
	r = gfx_dispatch(dev, on_event, &lost);
	if (r != -ENODEV || !lost)
		return printf("dispatch after the unbind: %d (%s), lost event %d; want -ENODEV and "
			      "GFX_EVENT_DEVICE_LOST\n", r, gfx_last_error(dev), lost), 1;
	if ((r = write_sysfs("/sys/bus/pci/drivers/uio_gfx/bind", bdf)) < 0)
		return printf("bind %s: %s\n", bdf, strerror(-r)), 1;
	if (render_once() < 0)
		return 1;
	gfx_close(dev);
	munmap((void *)regs, GFX_REG_PAGE_SIZE);
	close(fd);
	printf("ok rmmod refused while open; after the unbind the mapping gives SIGBUS, dispatch "
	       "-ENODEV with a device-lost event; bound again, the GPU renders\n");
	return 0;
}

/* ---- doorbells ---- */

/*
 * The child: its context's doorbell page (map 0 of the node it was handed)
 * and every vector of every low peer id, as fast as it can, until killed.
 */
static void __attribute__((noreturn)) ringer(struct gfx_context_handle *h)
{
	volatile uint8_t *bar0 = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
				      MAP_SHARED, h->fds[0], 0);

	if (bar0 == MAP_FAILED)
		_exit(1);
	for (;;)
		for (uint32_t peer = 0; peer < 4; peer++)
			for (uint32_t v = 0; v < GFX_MAX_CONTEXTS; v++)
				*(volatile uint32_t *)(bar0 + IVSHMEM_REG_DOORBELL) = IVSHMEM_DOORBELL(peer, v);
}

struct flips {
	uint64_t last, missed;
	int done;
};

static void on_flip(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	struct flips *f = data;

	if (ev->type != GFX_EVENT_FLIP_DONE)
		return;
	if (f->last && ev->seq > f->last + 1)
		f->missed += ev->seq - f->last - 1;
	f->last = ev->seq;
	f->done++;
}

/* The master's frame loop: a bar moves, a flip per frame, wait as an event loop. */
static int master_frames(struct gfx_device *dev, struct gfx_bo *bo[2], int n, struct flips *f)
{
	for (int i = 0; i < n; i++) {
		int target = f->done + 1;

		gfx_set_dst(dev, bo[i % 2]);
		gfx_fill(dev, GFX_SRC, 0xff000000u | (uint32_t)i * 0x010203u,
			 &(struct gfx_rect){ (i * 8) % 512, 0, 32, 32 }, 1);
		if (gfx_flip(dev, bo[i % 2], (uint64_t)i) < 0 || gfx_submit(dev) < 0)
			return -1;
		while (f->done < target) {
			struct pollfd p = { gfx_get_fd(dev), POLLIN, 0 };

			if (poll(&p, 1, 2000) != 1 || gfx_dispatch(dev, on_flip, f) < 0)
				return -1;
		}
	}
	return 0;
}

#define DB_SEGMENTS 6
#define DB_FRAMES 60

static int cmd_doorbells(void)
{
	struct gfx_device *dev;
	struct gfx_context_handle h;
	struct gfx_info info;
	struct gfx_bo *bo[2];
	struct flips f[2] = { { 0 }, { 0 } };
	double shown[2];
	pid_t pid;

	if (gfx_open("uio", &dev) < 0 || gfx_get_info(dev, &info) < 0 ||
	    gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &bo[0]) < 0 ||
	    gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &bo[1]) < 0 ||
	    gfx_context_acquire(dev, &h) < 0)
		return printf("setup: %s\n", gfx_last_error(NULL)), 1;
	pid = fork();
	if (pid == 0)
		ringer(&h);
	gfx_context_handle_close(&h);
	kill(pid, SIGSTOP);
	for (int seg = 0; seg < 2 * DB_SEGMENTS; seg++) {
		int flood = seg % 2;

		kill(pid, flood ? SIGCONT : SIGSTOP);
		usleep(50000);
		f[flood].last = 0;	/* a segment's first frame is not a miss */
		if (master_frames(dev, bo, DB_FRAMES, &f[flood]) < 0)
			return kill(pid, SIGKILL), printf("the master's frames stopped: %s\n",
							  gfx_last_error(dev)), 1;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int k = 0; k < 2; k++)
		shown[k] = 100.0 * f[k].done / (double)(f[k].done + f[k].missed);
	if (shown[1] < 95.0)
		return printf("under the doorbell flood the master showed a new frame on %.1f %% of "
			      "vblanks (%.1f %% alone); want >= 95 %%\n", shown[1], shown[0]), 1;
	printf("ok a client ringing every doorbell: the master showed a new frame on %.1f %% of "
	       "vblanks (%.1f %% alone; %d frames each)\n", shown[1], shown[0], f[1].done);
	gfx_close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "context"))
		return cmd_context();
	if (!strcmp(cmd, "unbind"))
		return cmd_unbind();
	if (!strcmp(cmd, "doorbells"))
		return cmd_doorbells();
	fprintf(stderr, "usage: gfx-vm-uio-clients context|unbind|doorbells\n");
	return 2;
}
