/* SPDX-License-Identifier: MIT */
/*
 * guest_drm_userq_fence.c - gfx-vm-drm-userq-fence: a user-mode queue's work
 * as a dma_fence for other processes (include/gfx_drm.h, USERQ_SIGNAL),
 * through libgfx's gfx_fence_export and through the bare uapi
 * (tests/vm/guest_drm.sh).
 *
 *   gfx-vm-drm-userq-fence export  libgfx on a queue ("drm-userq") and on
 *                                  the classic path ("drm"): a fill, a fence
 *                                  without an interrupt, its sync_file; a
 *                                  child process's poll() wakes once the fill
 *                                  is in VRAM, and the file says signalled;
 *                                  a seqno never emitted is EINVAL
 *   gfx-vm-drm-userq-fence uapi    bad requests fail with their errno and
 *                                  change nothing: flags, pad, no syncobj,
 *                                  another context, a file without a queue,
 *                                  a seqno below an earlier one, more than
 *                                  MAX_FENCES unsignalled (EBUSY); seqno 0
 *                                  signals at once; DESTROY ends an unreached
 *                                  fence with ECANCELED
 *   gfx-vm-drm-userq-fence hang    a fence the queue never reaches: after
 *                                  FENCE_TIMEOUT_MS it signals ETIMEDOUT, the
 *                                  queue is taken back (its maps SIGBUS, its
 *                                  DESTROY ENOENT), and its context is handed
 *                                  out again once the file lets go of the
 *                                  window
 *   gfx-vm-drm-userq-fence gone PCI  unbind under an unreached fence: it
 *                                  signals ENODEV; gfx_drm is bound again
 *
 * Each prints one "ok ..." line and exits 0, or prints why and exits 1.
 */
#include <linux/sync_file.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "gfx.h"
#include "vm_userq.h"

#define SEC 1000000000LL
#define FAIL(...) do { printf(__VA_ARGS__); putchar('\n'); return 1; } while (0)
#define CHECK(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

/* The sync_file's one fence: 1 signalled, 0 not yet, -errno signalled with an error. */
static int sync_status(int sfd)
{
	struct sync_fence_info fi = { 0 };
	struct sync_file_info info = { .num_fences = 1, .sync_fence_info = (uintptr_t)&fi };

	if (ioctl(sfd, SYNC_IOC_FILE_INFO, &info) < 0)
		return -1000 - errno;
	return fi.status;
}

/* poll() until sfd signals: milliseconds taken, or -1 after timeout_ms. */
static int wait_sync(int sfd, int timeout_ms)
{
	struct pollfd p = { .fd = sfd, .events = POLLIN };
	int64_t t0 = vm_drm_now_ns();

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	return (int)((vm_drm_now_ns() - t0) / 1000000);
}

/* ---- through libgfx ---- */

/* A child's poll() on sfd: exit 0 once it signalled cleanly within 5 s. */
static pid_t child_waits(int sfd)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(wait_sync(sfd, 5000) >= 0 && sync_status(sfd) == 1 ? 0 : 1);
	return pid;
}

static int export_on(const char *backend)
{
	struct gfx_device *dev;
	struct gfx_bo *bo;
	struct gfx_rect r = { 0, 0, 256, 256 };
	uint64_t seq;
	uint32_t px;
	int sfd, st, ms;
	pid_t pid;

	CHECK(gfx_open(backend, &dev) == 0, "open %s: %s", backend, gfx_last_error(NULL));
	CHECK(gfx_bo_create(dev, 256, 256, GFX_FMT_XRGB8888, &bo) == 0, "%s: buffer: %s", backend,
	      gfx_last_error(dev));
	CHECK(gfx_set_dst(dev, bo) == 0 && gfx_fill(dev, GFX_SRC, 0xff336699u, &r, 1) == 0 &&
	      gfx_fence(dev, false, &seq) == 0, "%s: fill: %s", backend, gfx_last_error(dev));
	CHECK(gfx_fence_export(dev, seq + 1000, &sfd) == -EINVAL && sfd == -1,
	      "%s: a sync_file for a fence never emitted: %s", backend, gfx_last_error(dev));
	CHECK(gfx_fence_export(dev, seq, &sfd) == 0 && sfd >= 0, "%s: export: %s", backend,
	      gfx_last_error(dev));
	pid = child_waits(sfd);
	ms = wait_sync(sfd, 5000);
	CHECK(ms >= 0 && sync_status(sfd) == 1, "%s: the sync_file: %d ms, status %d", backend, ms,
	      sync_status(sfd));
	px = ((volatile uint32_t *)bo->map)[255 * bo->stride / 4 + 255];
	CHECK((px & 0xffffff) == 0x336699, "%s: the sync_file signalled, the fill is not in VRAM (%#x)",
	      backend, px);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: the child's poll() did not see the sync_file signal", backend);
	close(sfd);
	gfx_bo_destroy(dev, bo);
	gfx_close(dev);
	return 0;
}

static int case_export(void)
{
	if (export_on("drm-userq") || export_on("drm"))
		return 1;
	printf("ok export: a queue's fence and a classic job's as sync_files, signalled once the "
	       "fill was in VRAM, seen by a child; a seqno never emitted EINVAL\n");
	return 0;
}

/* ---- the bare uapi ---- */

/* A queue of the bare uapi, with a syncobj for its USERQ_SIGNALs. */
struct fenceq {
	struct rawq r;
	uint32_t sync;
};

static int fenceq_create(struct fenceq *f)
{
	int r = rawq_create(&f->r);

	if (r == 0 && drmSyncobjCreate(f->r.fd, 0, &f->sync))
		r = -errno;
	return r;
}

/* A seqno the queue has not reached: its context's FENCE_DONE survives resets (a new owner goes on from it). */
static uint64_t fenceq_unreached(struct fenceq *f)
{
	return param(f->r.fd, DRM_GFX_PARAM_CONTEXT_FENCE, f->r.q.context) + 1000;
}

static int fenceq_signal(struct fenceq *f, uint64_t seqno)
{
	struct drm_gfx_userq_signal s = { .seqno = seqno, .context = f->r.q.context, .out_sync = f->sync };

	return ioc(f->r.fd, DRM_IOCTL_GFX_USERQ_SIGNAL, &s);
}

/* The syncobj's fence as a new sync_file, -1 on failure. */
static int fenceq_sync_file(struct fenceq *f)
{
	int sfd = -1;

	return drmSyncobjExportSyncFile(f->r.fd, f->sync, &sfd) ? -1 : sfd;
}

static int uapi_refusals(struct fenceq *a)
{
	struct drm_gfx_userq_signal s = { .seqno = 1, .context = a->r.q.context, .out_sync = a->sync };
	int other = must_open(true);
	uint32_t other_sync;

	s.flags = 1;
	CHECK(ioc(a->r.fd, DRM_IOCTL_GFX_USERQ_SIGNAL, &s) == -EINVAL, "flags 1 not EINVAL");
	s.flags = 0;
	s.pad = 1;
	CHECK(ioc(a->r.fd, DRM_IOCTL_GFX_USERQ_SIGNAL, &s) == -EINVAL, "pad 1 not EINVAL");
	s.pad = 0;
	s.out_sync = a->sync + 100;
	CHECK(ioc(a->r.fd, DRM_IOCTL_GFX_USERQ_SIGNAL, &s) == -ENOENT, "no such syncobj not ENOENT");
	s.out_sync = a->sync;
	s.context = a->r.q.context + 1;
	CHECK(ioc(a->r.fd, DRM_IOCTL_GFX_USERQ_SIGNAL, &s) == -ENOENT, "another context not ENOENT");
	CHECK(!drmSyncobjCreate(other, 0, &other_sync), "syncobj: %s", strerror(errno));
	s.context = a->r.q.context;
	s.out_sync = other_sync;
	CHECK(ioc(other, DRM_IOCTL_GFX_USERQ_SIGNAL, &s) == -ENOENT,
	      "SIGNAL of context %u from a file without a queue not ENOENT", a->r.q.context);
	close(other);
	CHECK(fenceq_signal(a, 0) == 0, "seqno 0: %s", strerror(errno));
	return 0;
}

static int case_uapi(void)
{
	struct drm_gfx_userq_destroy d;
	struct fenceq a;
	int sfd0, sfd, i, r = 0;

	CHECK(fenceq_create(&a) == 0, "create: %s", strerror(errno));
	if (uapi_refusals(&a))
		return 1;
	sfd0 = fenceq_sync_file(&a);	/* seqno 0: FENCE_DONE is there already */
	CHECK(sfd0 >= 0 && wait_sync(sfd0, 1000) >= 0 && sync_status(sfd0) == 1,
	      "the fence of seqno 0: status %d", sfd0 >= 0 ? sync_status(sfd0) : -1);
	CHECK(fenceq_signal(&a, 1ull << 40) == 0, "seqno 2^40: %s", strerror(errno));
	sfd = fenceq_sync_file(&a);
	CHECK(sfd >= 0 && sync_status(sfd) == 0, "an unreached fence: status %d", sync_status(sfd));
	CHECK(fenceq_signal(&a, 5) == -EINVAL, "a seqno below an earlier one not EINVAL");
	for (i = 1; i < DRM_GFX_USERQ_MAX_FENCES && (r = fenceq_signal(&a, 1ull << 40)) == 0; i++)
		;
	CHECK(r == 0 && fenceq_signal(&a, 1ull << 40) == -EBUSY,
	      "%d unsignalled fences: %s, then not EBUSY", i, strerror(-r));
	d = (struct drm_gfx_userq_destroy){ .context = a.r.q.context };
	CHECK(ioc(a.r.fd, DRM_IOCTL_GFX_USERQ_DESTROY, &d) == 0, "destroy: %s", strerror(errno));
	CHECK(wait_sync(sfd, 1000) >= 0 && sync_status(sfd) == -ECANCELED,
	      "the unreached fence after DESTROY: status %d, not -ECANCELED", sync_status(sfd));
	close(sfd);
	close(sfd0);
	rawq_close(&a.r);
	printf("ok uapi: refusals change nothing; seqno 0 signals at once; EBUSY after %d "
	       "unsignalled; DESTROY ends them with ECANCELED\n", DRM_GFX_USERQ_MAX_FENCES);
	return 0;
}

static int case_hang(void)
{
	struct drm_gfx_userq_destroy d;
	struct fenceq a;
	struct rawq b;
	volatile uint32_t *regs;
	int sfd, ms, sig;

	CHECK(fenceq_create(&a) == 0, "create: %s", strerror(errno));
	regs = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE, MAP_SHARED, a.r.fd,
		    (off_t)(a.r.q.mmap_offset + DRM_GFX_USERQ_MAP_REGS * (uint64_t)sysconf(_SC_PAGESIZE)));
	CHECK(regs != MAP_FAILED, "map the registers: %s", strerror(errno));
	CHECK(read_signal(regs) == 0, "the register page is not readable before the hang");
	CHECK(fenceq_signal(&a, fenceq_unreached(&a)) == 0, "signal: %s", strerror(errno));
	sfd = fenceq_sync_file(&a);
	CHECK(sfd >= 0, "sync_file: %s", strerror(errno));
	ms = wait_sync(sfd, DRM_GFX_USERQ_FENCE_TIMEOUT_MS + 5000);
	CHECK(ms >= 0 && sync_status(sfd) == -ETIMEDOUT,
	      "a fence never reached: %d ms, status %d, not -ETIMEDOUT", ms, sync_status(sfd));
	sig = read_signal(regs);
	d = (struct drm_gfx_userq_destroy){ .context = a.r.q.context };
	CHECK(sig == SIGBUS, "the register page after the hang: signal %d, not SIGBUS", sig);
	CHECK(ioc(a.r.fd, DRM_IOCTL_GFX_USERQ_DESTROY, &d) == -ENOENT, "DESTROY after the hang not ENOENT");
	munmap((void *)regs, (size_t)sysconf(_SC_PAGESIZE));
	close(sfd);
	rawq_close(&a.r);		/* its window handle goes: the context is free */
	CHECK(rawq_create(&b) == 0, "a queue after the hang: %s", strerror(errno));
	CHECK(b.q.context == a.r.q.context, "context %u not handed out again (got %u)", a.r.q.context,
	      b.q.context);
	rawq_close(&b);
	printf("ok hang: the unreached fence ended ETIMEDOUT after %d ms (limit %d), the queue taken "
	       "back, its context handed out again\n", ms, DRM_GFX_USERQ_FENCE_TIMEOUT_MS);
	return 0;
}

/* ---- unbind under an unreached fence ---- */

static int case_gone(const char *pci)
{
	char unbind[128], bind[128];
	struct fenceq a;
	int sfd, ms, st;

	snprintf(unbind, sizeof(unbind), "/sys/bus/pci/drivers/%s/unbind", GFX_DRM_NAME);
	snprintf(bind, sizeof(bind), "/sys/bus/pci/drivers/%s/bind", GFX_DRM_NAME);
	CHECK(fenceq_create(&a) == 0, "create: %s", strerror(errno));
	CHECK(fenceq_signal(&a, fenceq_unreached(&a)) == 0, "signal: %s", strerror(errno));
	sfd = fenceq_sync_file(&a);
	CHECK(sfd >= 0, "sync_file: %s", strerror(errno));
	CHECK(write_file(unbind, pci) == 0, "unbind %s: %s", pci, strerror(errno));
	ms = wait_sync(sfd, 1000);
	st = sync_status(sfd);
	CHECK(fenceq_signal(&a, 1ull << 41) == -ENODEV, "SIGNAL after unbind not ENODEV");
	close(sfd);
	rawq_close(&a.r);
	CHECK(write_file(bind, pci) == 0, "bind %s again: %s", pci, strerror(errno));
	CHECK(ms >= 0 && st == -ENODEV, "the unreached fence after unbind: %d ms, status %d, not -ENODEV",
	      ms, st);
	printf("ok gone: unbind ended the unreached fence with ENODEV; bound again\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "export"))
		return case_export();
	if (!strcmp(c, "uapi"))
		return case_uapi();
	if (!strcmp(c, "hang"))
		return case_hang();
	if (!strcmp(c, "gone") && argc > 2)
		return case_gone(argv[2]);
	fprintf(stderr, "usage: gfx-vm-drm-userq-fence export|uapi|hang|gone PCI_ADDRESS\n");
	return 2;
}
