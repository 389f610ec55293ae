/* SPDX-License-Identifier: MIT */
/*
 * guest_drm_fence.c - gfx-vm-drm-fence: gfx_drm's fences as other processes
 * and user space see them, through plain libdrm (tests/vm/guest_drm.sh).
 *
 *   gfx-vm-drm-fence page      the fence page: read-only (a writable map is
 *                              EPERM, mprotect EACCES), one page only; after
 *                              a WAIT it holds the job's seqno, and a job
 *                              the device rejected counts in errors
 *   gfx-vm-drm-fence lazy      jobs nobody waits for raise no interrupt (100
 *                              jobs, each polled done before the next: fewer
 *                              than 10 above the idle rate);
 *                              a sleeping WAIT still wakes within 0.5 s, so
 *                              its interrupt was asked for (the hangcheck's
 *                              poll would take up to 1 s)
 *   gfx-vm-drm-fence syncfile  SUBMIT's out_sync exported as a sync_file:
 *                              poll() in this process and in a child wakes
 *                              when the job is done, and the file says
 *                              signalled
 *
 * Each prints one "ok ..." line and exits 0, or prints why and exits 1.
 */
#include <linux/sync_file.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "vm_drm.h"

#define SEC 1000000000LL
#define MS 1000000LL
#define FAIL(...) do { printf(__VA_ARGS__); putchar('\n'); return 1; } while (0)
#define CHECK(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

#define BIG_SIDE 1024		/* a 4 MiB XRGB buffer */
#define BIG_FILLS 48		/* whole-buffer fills in one job: tens of ms on the host */

static struct job J;

/* Interrupts of gfx_drm so far, all CPUs (/proc/interrupts). */
static uint64_t drm_irqs(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[1024];
	uint64_t sum = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (!p || !strstr(line, GFX_DRM_NAME))
			continue;
		for (p++;;) {
			char *end;
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += v;
			p = end;
		}
	}
	if (f)
		fclose(f);
	return sum;
}

/* A job that keeps the engine busy for a while: BIG_FILLS fills of the whole buffer. */
static void big_job(struct bo *bo)
{
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, BIG_SIDE, BIG_SIDE, BIG_SIDE * 4,
		    GFX_FMT_XRGB8888);
	for (uint32_t i = 0; i < BIG_FILLS; i++)
		job_fill(&J, 0xff000000 | i * 0x050301, 0, 0, BIG_SIDE, BIG_SIDE);
}

static void small_job(struct bo *bo, uint32_t color)
{
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 64, 64, 256, GFX_FMT_XRGB8888);
	job_fill(&J, color, 0, 0, 8, 8);
}

static int cmd_page(void)
{
	int fd = must_open(true);
	uint64_t off = param(fd, DRM_GFX_PARAM_FENCE_PAGE, 0), seq, errors;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	const struct drm_gfx_fence_page *fp;
	struct bo bo = { 0 };
	void *p;

	CHECK(off != UINT64_MAX, "GET_PARAM FENCE_PAGE: %s", strerror(errno));
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	CHECK(p == MAP_FAILED && errno == EPERM, "a writable map of the fence page: %s",
	      p == MAP_FAILED ? strerror(errno) : "accepted");
	p = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, (off_t)off);
	CHECK(p == MAP_FAILED && errno == EINVAL, "a two-page map of the fence page: %s",
	      p == MAP_FAILED ? strerror(errno) : "accepted");
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, (off_t)off);
	CHECK(p != MAP_FAILED, "mmap of the fence page: %s", strerror(errno));
	CHECK(mprotect(p, pg, PROT_READ | PROT_WRITE) < 0 && errno == EACCES,
	      "mprotect(PROT_WRITE) of the fence page: %s", strerror(errno));
	fp = p;
	CHECK(!bo_new(fd, 64 * 256, &bo), "BO_CREATE: %s", strerror(errno));

	small_job(&bo, 0xff112233);
	CHECK(!job_submit(fd, &J, 0, &seq) && !wait_seq(fd, seq, 10 * SEC, NULL), "a fill failed");
	CHECK((int64_t)(fp->seqno_done - seq) >= 0, "after WAIT the page says %llu, the job is %llu",
	      (unsigned long long)fp->seqno_done, (unsigned long long)seq);
	errors = fp->errors;
	small_job(&bo, 0xff112233);
	job_fill(&J, 0xffffffff, 60, 0, 10, 10);	/* GFX_ERR_RECT_OOB */
	CHECK(!job_submit(fd, &J, 0, &seq), "SUBMIT: %s", strerror(errno));
	CHECK(wait_seq(fd, seq, 10 * SEC, NULL) == -EIO, "a rejected command's job did not fail");
	CHECK(fp->errors == errors + 1 && (int64_t)(fp->seqno_done - seq) >= 0,
	      "after the failed job: errors %llu (was %llu), seqno_done %llu (job %llu)",
	      (unsigned long long)fp->errors, (unsigned long long)errors,
	      (unsigned long long)fp->seqno_done, (unsigned long long)seq);
	printf("ok fence page at offset %#llx: read-only, one page, seqno_done %llu, errors %llu\n",
	       (unsigned long long)off, (unsigned long long)fp->seqno_done,
	       (unsigned long long)fp->errors);
	bo_close(fd, &bo);
	munmap(p, pg);
	close(fd);
	return 0;
}

/* Interrupts per second with nothing submitted (vblanks someone still wants, stray ones). */
static double idle_irq_rate(void)
{
	uint64_t i0 = drm_irqs();
	int64_t t0 = vm_drm_now_ns();

	usleep(1000000);
	return (double)(drm_irqs() - i0) * SEC / (double)(vm_drm_now_ns() - t0);
}

/* Poll (deadline 0) until the job is done: reads FENCE_DONE, never asks for the interrupt. */
static int poll_done(int fd, uint64_t seq)
{
	struct drm_gfx_wait w = { .seqno = seq };
	int r;

	while ((r = ioc(fd, DRM_IOCTL_GFX_WAIT, &w)) == -ETIMEDOUT) {
		w.timeout_ns = 0;
		usleep(200);
	}
	return r;
}

/*
 * One job at a time, each done before the next (so no interrupts coalesce),
 * nobody sleeping on any: a driver that interrupts for every job shows JOBS.
 */
static int lazy_unwaited(int fd, struct bo *small, double rate)
{
	enum { JOBS = 100 };
	uint64_t i0 = drm_irqs(), seq = 0;
	int64_t t0 = vm_drm_now_ns();
	double extra;
	int r;

	for (int i = 0; i < JOBS; i++) {
		small_job(small, 0xff000000u | (uint32_t)i);
		CHECK(!job_submit(fd, &J, 0, &seq), "SUBMIT %d: %s", i, strerror(errno));
		r = poll_done(fd, seq);
		CHECK(r == 0, "polling job %d: %s", i, strerror(-r));
		usleep(1000);	/* room for an interrupt to arrive, if one was raised */
	}
	extra = (double)(drm_irqs() - i0) - rate * (double)(vm_drm_now_ns() - t0) / SEC;
	CHECK(extra < 10, "%d jobs nobody waited for raised %.0f interrupts above the idle rate",
	      JOBS, extra);
	printf("%d unwaited jobs, one at a time: %.1f interrupts above the idle rate (%.1f/s); ",
	       JOBS, extra, rate);
	return 0;
}

static int cmd_lazy(void)
{
	int fd = must_open(true);
	struct bo small = { 0 }, big = { 0 };
	double rate = idle_irq_rate(), worst = 0;
	uint64_t seq;

	CHECK(!bo_new(fd, 64 * 256, &small) && !bo_new(fd, BIG_SIDE * BIG_SIDE * 4, &big),
	      "BO_CREATE: %s", strerror(errno));
	if (lazy_unwaited(fd, &small, rate))
		return 1;
	for (int i = 0; i < 10; i++) {
		int64_t t0;
		int r;

		big_job(&big);
		CHECK(!job_submit(fd, &J, 0, &seq), "SUBMIT: %s", strerror(errno));
		t0 = vm_drm_now_ns();
		r = wait_seq(fd, seq, 10 * SEC, NULL);
		CHECK(r == 0, "WAIT for a busy job: %s", strerror(-r));
		worst = (double)(vm_drm_now_ns() - t0) / MS > worst ?
			(double)(vm_drm_now_ns() - t0) / MS : worst;
	}
	CHECK(worst < 500, "a sleeping WAIT took %.0f ms: its interrupt never came", worst);
	printf("10 sleeping WAITs on %d-fill jobs: the slowest %.1f ms\n", BIG_FILLS, worst);
	printf("ok fence interrupts only for waiters\n");
	bo_close(fd, &small);
	bo_close(fd, &big);
	close(fd);
	return 0;
}

/* poll() on the sync_file until it signals; milliseconds, or -1 after 5 s. */
static double poll_ms(int sfd)
{
	struct pollfd p = { .fd = sfd, .events = POLLIN };
	int64_t t0 = vm_drm_now_ns();

	if (poll(&p, 1, 5000) != 1 || !(p.revents & POLLIN))
		return -1;
	return (double)(vm_drm_now_ns() - t0) / MS;
}

static int cmd_syncfile(void)
{
	int fd = must_open(true), sfd, status;
	struct sync_file_info info = { 0 };
	struct bo big = { 0 };
	uint32_t sync;
	double ms;
	pid_t pid;

	CHECK(!bo_new(fd, BIG_SIDE * BIG_SIDE * 4, &big), "BO_CREATE: %s", strerror(errno));
	CHECK(!drmSyncobjCreate(fd, 0, &sync), "SYNCOBJ_CREATE: %s", strerror(errno));
	big_job(&big);
	CHECK(!job_submit(fd, &J, sync, NULL), "SUBMIT with out_sync: %s", strerror(errno));
	CHECK(!drmSyncobjExportSyncFile(fd, sync, &sfd), "export as sync_file: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		_exit(poll_ms(sfd) < 0 ? 1 : 0);	/* a waiter in another process */
	ms = poll_ms(sfd);
	CHECK(ms >= 0, "the sync_file did not signal within 5 s");
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child's poll() on the sync_file did not see it signal");
	CHECK(!ioctl(sfd, SYNC_IOC_FILE_INFO, &info) && info.status == 1,
	      "SYNC_IOC_FILE_INFO: status %d (%s)", info.status, strerror(errno));
	printf("ok out_sync exported as a sync_file: signalled after %.1f ms, seen by a child too\n",
	       ms);
	close(sfd);
	drmSyncobjDestroy(fd, sync);
	bo_close(fd, &big);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "page"))
		return cmd_page();
	if (!strcmp(c, "lazy"))
		return cmd_lazy();
	if (!strcmp(c, "syncfile"))
		return cmd_syncfile();
	fprintf(stderr, "usage: gfx-vm-drm-fence page|lazy|syncfile\n");
	return 2;
}
