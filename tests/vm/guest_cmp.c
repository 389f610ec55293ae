/* SPDX-License-Identifier: MIT */
/*
 * guest_cmp.c - gfx-vm-cmp, the uio-against-drm workloads inside the VM
 * (issue 8; driven by tests/vm/guest_cmp.sh, which loads one driver or the
 * other and sets GFX_DEVICE). The same code runs on both paths: it only
 * uses libgfx's public API, so what differs is the driver underneath.
 *
 *   gfx-vm-cmp submit PATH ROUND [BATCHES]   batches of N = 1, 10, 100, 1000
 *       64x64 fills, then a fence with interrupt, submit, and wait for it.
 *       Per batch: CPU of this process (CLOCK_PROCESS_CPUTIME_ID: user +
 *       system, exact, not tick-sampled), CPU of the whole guest (from the
 *       idle time in /proc/stat, which NO_HZ keeps exactly, so busy = wall x
 *       CPUs - idle is exact too: the interrupt, softirqs and kworkers of
 *       the DRM path count), wall time to the fence; system calls per batch
 *       counted with ptrace in a second pass. Also the same batches waited
 *       for without a spin (uio: poll on libgfx's fd at once; drm: the WAIT
 *       ioctl, which never spins) and with one (drm: WAIT with a zero
 *       deadline and sched_yield for up to 50 us first, as libgfx does on uio).
 *   gfx-vm-cmp loop PATH ROUND N BATCHES    the same batches (libgfx's wait)
 *       with nothing measured, for perf to count (CMP_PERF_CTL, CMP_PERF_ACK:
 *       perf stat's control fifos; counting is on for the batches only).
 *   gfx-vm-cmp pipe PATH ROUND N BATCHES    pipelined: batches of N fills,
 *       each submitted, waited for only at the end (gfx-bench's small_fills).
 *   gfx-vm-cmp irq PATH ROUND [SAMPLES]      vblank -> the process blocked
 *       in poll() on libgfx's fd runs. On both paths the start is the
 *       device's own vblank time in CLOCK_MONOTONIC, by gfx_drm's estimate
 *       (irq_to_user says how uio's is brought to it). Runs before 6ee30c7
 *       (gfx_drm's get_vblank_timestamp) started from the interrupt handler
 *       on both; on uio that is still given: handler_p50/p99. Beside it
 *       the floor: a timer waking a sleeper.
 *
 * Each prints JSON lines {"w": workload, "path", "round", ...} for
 * scripts/cmp_report.py. Everything runs on the CPU that takes the GPU's
 * MSI-X vector (the PCI device's, whichever driver holds it): a wake-up
 * across vCPUs costs milliseconds under TCG and would swamp both paths.
 */
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "gfx.h"
#include "gfx_drm.h"
#include "vmutil.h"

#define SEC 1000000000LL
/*
 * The batches' destination: 960x540 (2 MiB), so that it fits a client
 * context's VRAM window (4 MiB in the VM's GPU) on drm-userq, and the same
 * on every path; the fills are 64x64 wherever they land.
 */
#define FB_W 960
#define FB_H 540
#define SPIN_NS 50000	/* libgfx's spin on uio (libgfx/src/umd/fence.c, GFX_SPIN_NS) */

static const char *path_name = "?";
static int round_no;

static struct gfx_device *open_dev(void)
{
	struct gfx_device *dev;

	if (gfx_open(NULL, &dev) < 0) {
		fprintf(stderr, "gfx-vm-cmp: %s\n", gfx_last_error(NULL));
		exit(1);
	}
	return dev;
}

static void die(struct gfx_device *dev, const char *what)
{
	fprintf(stderr, "gfx-vm-cmp: %s: %s\n", what, gfx_last_error(dev));
	exit(1);
}

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

/*
 * Busy time of the whole guest, ns: CPUs x now - idle. The idle time comes
 * from /proc/timer_list, where NO_HZ keeps it exactly, in ns (/proc/stat
 * shows the same in 10 ms units); an interrupt taken while idle ends the
 * idle period, so interrupts, softirqs and kworkers are all busy time. A
 * CPU idle right now (entered after it last left) adds the time since.
 * Falls back to /proc/stat (10 ms resolution) without NO_HZ.
 */
static int64_t guest_busy_ns(void)
{
	long long entry = 0, exit_ = 0, sleep = 0, iowait = 0, v, idle = 0;
	int cpus = 0, nohz = 1, idle_now = 0;
	char line[256];
	FILE *f = fopen("/proc/timer_list", "r");

	while (f) {
		bool eof = !fgets(line, sizeof(line), f);

		if (eof)
			strcpy(line, "Tick Device");	/* closes the last CPU's block */
		if (!strncmp(line, "cpu: ", 5) || (!strncmp(line, "Tick Device", 11) && cpus)) {
			if (cpus) {	/* the previous CPU's block is complete */
				idle += sleep + iowait;
				if (entry > exit_) {	/* idle right now: since entry */
					idle -= entry;
					idle_now++;
				}
			}
			if (line[0] == 'T')
				break;
			cpus++;
			entry = exit_ = sleep = iowait = 0;
		} else if (sscanf(line, " .nohz_mode : %lld", &v) == 1) {
			nohz &= v != 0;
		} else if (sscanf(line, " .idle_entrytime : %lld", &v) == 1) {
			entry = v;
		} else if (sscanf(line, " .idle_exittime : %lld", &v) == 1) {
			exit_ = v;
		} else if (sscanf(line, " .idle_sleeptime : %lld", &v) == 1) {
			sleep = v;
		} else if (sscanf(line, " .iowait_sleeptime: %lld", &v) == 1) {
			iowait = v;
		}
		if (eof)
			break;
	}
	if (f)
		fclose(f);
	if (cpus && nohz) {
		/* Taken after the file was read: later than every entry time in it. */
		int64_t now = vm_now_ns();

		return now * cpus - (idle + (long long)idle_now * now);
	}
	{	/* /proc/stat: idle and iowait in USER_HZ */
		unsigned long long s[8] = { 0 };

		f = fopen("/proc/stat", "r");
		if (!f || !fgets(line, sizeof(line), f)) {
			if (f)
				fclose(f);
			return 0;
		}
		fclose(f);
		sscanf(line, "cpu %llu %llu %llu %llu %llu", &s[0], &s[1], &s[2], &s[3], &s[4]);
		return vm_now_ns() * sysconf(_SC_NPROCESSORS_ONLN) -
		       (int64_t)(s[3] + s[4]) * (SEC / sysconf(_SC_CLK_TCK));
	}
}

/*
 * Pin to the CPU that takes the master's interrupt: uio_gfx's master
 * context vector (not the last vector listed, which may be a client
 * context's), or gfx_drm's one vector. Returns it or -1.
 */
static int pin_to_irq_cpu(void)
{
	int cpu = vm_pin_to_irq(GFX_UIO_NAME);

	return cpu >= 0 ? cpu : vm_pin_to_irq(GFX_DRM_NAME);
}

/*
 * On a user-mode queue the interrupts that wake us are the queue's context's,
 * on its own vector (gfx_drm's n-th, n the context): pin to that one's CPU,
 * as the other paths are pinned to the master's.
 */
static void pin_for(struct gfx_device *dev)
{
	struct gfx_info info;

	if (gfx_get_info(dev, &info) == 0 && !strcmp(info.backend, "drm-userq"))
		vm_pin_to_irq_nth(GFX_DRM_NAME, (int)info.context);
}

static void head(const char *w)
{
	printf("{\"w\": \"%s\", \"path\": \"%s\", \"round\": %d", w, path_name, round_no);
}

static void samples_json(const char *key, const int64_t *v, int n)
{
	printf(", \"%s\": [", key);
	for (int i = 0; i < n; i++)
		printf("%s%.1f", i ? ", " : "", (double)v[i] / 1000);
	printf("]");
}

/* ---- submission ---- */

enum wait_kind { WAIT_LIBGFX, WAIT_BLOCK, WAIT_SPIN };

static void on_fence(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	if (ev->type == GFX_EVENT_FENCE)
		*(uint64_t *)data = ev->seq;
}

/*
 * Wait for seq: as libgfx does (gfx_fence_wait), without any spin, or with
 * a 50 us spin of zero-deadline checks before blocking.
 */
static void wait_fence(struct gfx_device *dev, uint64_t seq, enum wait_kind how, bool drm)
{
	if (how == WAIT_SPIN) {
		int64_t end = vm_now_ns() + SPIN_NS;

		while (vm_now_ns() < end) {
			if (gfx_fence_done(dev, seq))
				return;
			sched_yield();
		}
	}
	if (how == WAIT_BLOCK && !drm) {
		uint64_t got = 0;

		while (!gfx_fence_done(dev, seq)) {
			struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

			if (poll(&p, 1, 1000) <= 0 || gfx_dispatch(dev, on_fence, &got) < 0)
				die(dev, "fence event");
		}
		return;
	}
	if (gfx_fence_wait(dev, seq, 5 * SEC) < 0)	/* drm: one WAIT ioctl, no spin */
		die(dev, "fence wait");
}

static void batch(struct gfx_device *dev, int n, enum wait_kind how, bool drm)
{
	uint64_t seq;

	for (int i = 0; i < n; i++) {
		struct gfx_rect r = { (i * 64) % (FB_W - 64), (i / 29 * 64) % (FB_H - 64), 64, 64 };

		if (gfx_fill(dev, GFX_SRC, 0xff000000u | (i * 2654435761u >> 8), &r, 1) < 0)
			die(dev, "fill");
	}
	if (gfx_fence(dev, true, &seq) < 0 || gfx_submit(dev) < 0)
		die(dev, "fence");
	wait_fence(dev, seq, how, drm);
}

/* libgfx's DRM driver (SUBMIT, WAIT); drm-userq is the user-mode driver on a queue. */
static bool is_drm(void)
{
	const char *s = getenv("GFX_DEVICE");

	return s && !strncmp(s, "drm", 3) && strncmp(s, "drm-userq", 9);
}

/* The traced child: `batches` batches of n between two getppid() markers. */
static int traced_batches(int n, int batches)
{
	struct gfx_device *dev = open_dev();
	struct gfx_bo *bo;

	pin_for(dev);
	if (gfx_bo_create(dev, FB_W, FB_H, GFX_FMT_XRGB8888, &bo) < 0 || gfx_set_dst(dev, bo) < 0)
		return 1;
	batch(dev, n, WAIT_LIBGFX, is_drm());	/* warm-up: first-use paths */
	syscall(SYS_getppid);
	for (int b = 0; b < batches; b++)
		batch(dev, n, WAIT_LIBGFX, is_drm());
	syscall(SYS_getppid);
	gfx_close(dev);
	return 0;
}

/* System calls of fn(a, b) in a forked, ptraced child between its markers; -1 on failure. */
static long count_syscalls(int (*fn)(int, int), int a, int b, char *by_nr, size_t by_len)
{
	long count = 0, markers = 0, per[512] = { 0 };
	int status, inside = 0;
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(fn(a, b));
	}
	waitpid(pid, &status, 0);
	ptrace(PTRACE_SETOPTIONS, pid, NULL,
	       (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL));
	ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
	for (;;) {
		pid_t t = waitpid(-1, &status, __WALL);
		int sig = 0;

		if (t < 0)
			break;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (t == pid)
				break;
			continue;
		}
		if (WIFSTOPPED(status) && WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			struct user_regs_struct regs;

			/* Entry and exit stops alternate; rax is -ENOSYS at entry on x86-64. */
			ptrace(PTRACE_GETREGS, t, NULL, &regs);
			if ((long)regs.rax == -ENOSYS) {
				if (regs.orig_rax == SYS_getppid) {
					markers++;
					inside = markers == 1;
				} else if (inside) {
					count++;
					per[regs.orig_rax & 511]++;
				}
			}
		} else if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP &&
			   WSTOPSIG(status) != SIGSTOP) {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_SYSCALL, t, NULL, (void *)(long)sig);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || markers != 2)
		return -1;
	by_nr[0] = 0;
	for (int i = 0, o = 0; i < 512 && o < (int)by_len - 24; i++)
		if (per[i])
			o += snprintf(by_nr + o, by_len - o, "%s\"%d\": %ld", o ? ", " : "", i, per[i]);
	return count;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	return n ? v[n / 2] : 0;
}

static int cmd_submit(int batches)
{
	static const int ns[] = { 1, 10, 100, 1000 };
	static const char *const kinds[] = { "libgfx", "block", "spin" };
	bool drm = is_drm();
	struct gfx_device *dev = open_dev();
	struct gfx_bo *bo;
	/* At least `batches` batches and MIN_SECONDS of them, for the guest-wide CPU. */
	enum { CAP = 20000 };
	const int64_t min_ns = (int64_t)(getenv("CMP_MIN_SECONDS") ? atof(getenv("CMP_MIN_SECONDS")) : 1.5) * SEC;
	int64_t *cpu = calloc(CAP, sizeof(int64_t));
	int64_t *wall = calloc(CAP, sizeof(int64_t));

	pin_for(dev);
	if (gfx_bo_create(dev, FB_W, FB_H, GFX_FMT_XRGB8888, &bo) < 0 || gfx_set_dst(dev, bo) < 0)
		die(dev, "buffer");
	for (unsigned int k = 0; k < 3; k++) {
		for (unsigned int j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
			int n = ns[j], reps = 0, min_reps = n >= 1000 ? batches / 4 : batches;
			int64_t g0, g1, t0, t1;

			if (k != WAIT_LIBGFX && n != 1 && n != 100)
				continue;	/* the wait variants at two sizes only */
			for (int i = 0; i < 3; i++)
				batch(dev, n, k, drm);
			g0 = guest_busy_ns();
			t0 = vm_now_ns();
			for (int i = 0; i < CAP && (i < min_reps || vm_now_ns() - t0 < min_ns); i++) {
				int64_t c = cpu_ns(), w = vm_now_ns();

				batch(dev, n, k, drm);
				cpu[i] = cpu_ns() - c;
				wall[i] = vm_now_ns() - w;
				reps = i + 1;
			}
			t1 = vm_now_ns();
			g1 = guest_busy_ns();
			double cpu_mean = 0;
			for (int i = 0; i < reps; i++)
				cpu_mean += (double)cpu[i] / reps;
			head("submit");
			printf(", \"n\": %d, \"wait\": \"%s\", \"batches\": %d, \"cpu_us\": %.2f, "
			       "\"cpu_mean_us\": %.2f, \"wall_us\": %.2f, \"guest_cpu_us\": %.2f, "
			       "\"elapsed_s\": %.3f}\n", n, kinds[k], reps,
			       (double)median(cpu, reps) / 1000, cpu_mean / 1000,
			       (double)median(wall, reps) / 1000, (double)(g1 - g0) / reps / 1000,
			       (double)(t1 - t0) / SEC);
			fflush(stdout);
		}
	}
	gfx_close(dev);
	free(cpu);
	free(wall);
	/* System calls per batch, counted (libgfx's own wait). */
	for (unsigned int j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
		char by[2048];
		int k = 20;
		long c = count_syscalls(traced_batches, ns[j], k, by, sizeof(by));

		if (c < 0) {
			fprintf(stderr, "gfx-vm-cmp: the traced batches of %d failed\n", ns[j]);
			return 1;
		}
		head("submit_syscalls");
		printf(", \"n\": %d, \"batches\": %d, \"syscalls\": %.2f, \"by_nr\": {%s}}\n", ns[j], k,
		       (double)c / k, by);
		fflush(stdout);
	}
	return 0;
}

/*
 * perf stat --control: "enable" or "disable" on the fifo $CMP_PERF_CTL, then
 * wait for perf's "ack" on $CMP_PERF_ACK, so that only the loop is counted.
 */
static void perf_ctl(const char *cmd)
{
	const char *ctl = getenv("CMP_PERF_CTL"), *ack = getenv("CMP_PERF_ACK");
	char buf[16];
	int fd;

	if (!ctl || !ack)
		return;
	/* Never block for good: perf gone or stuck must not hang the benchmark. */
	fd = open(ctl, O_WRONLY | O_NONBLOCK);
	if (fd < 0 || write(fd, cmd, strlen(cmd)) < 0)
		fprintf(stderr, "gfx-vm-cmp: perf control %s: %s\n", ctl, strerror(errno));
	if (fd >= 0)
		close(fd);
	fd = open(ack, O_RDONLY | O_NONBLOCK);
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 10000) == 1)
			(void)!read(fd, buf, sizeof(buf));
		else
			fprintf(stderr, "gfx-vm-cmp: no ack from perf for %s", cmd);
		close(fd);
	}
}

/*
 * $CMP_HIST: the kprobe events' directory (tracefs events/gfxcmp); its
 * probe cfu (__check_object_size: copies from user space of a size not
 * known at compile time, guest_cmp.sh) gets a hist trigger summing the
 * size argument while the loop runs.
 */
#define HIST_TRIGGER "hist:keys=common_pid:vals=hitcount,n:size=4096 if to_user == 0"

static void hist_write(const char *probe, const char *text)
{
	const char *dir = getenv("CMP_HIST");
	char p[300];
	int fd;

	if (!dir)
		return;
	snprintf(p, sizeof(p), "%s/%s/trigger", dir, probe);
	fd = open(p, O_WRONLY | O_APPEND);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		fprintf(stderr, "gfx-vm-cmp: %s: %s\n", p, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Calls and bytes of one probe, all threads. */
static void hist_read(const char *probe, long long *calls, long long *bytes)
{
	const char *dir = getenv("CMP_HIST");
	char p[300], line[512];
	FILE *f;

	*calls = *bytes = 0;
	if (!dir)
		return;
	snprintf(p, sizeof(p), "%s/%s/hist", dir, probe);
	f = fopen(p, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *h = strstr(line, "hitcount:"), *n = strstr(line, " n:");

		if (h && n) {
			*calls += atoll(h + 9);
			*bytes += atoll(n + 3);
		}
	}
	if (f)
		fclose(f);
}

/* `batches` batches of n with libgfx's wait, counted by perf (see perf_ctl). */
/* $CMP_TRACING_ON (tracefs's tracing_on), if set: the trace records only between on and off. */
static void tracing_gate(bool on)
{
	const char *path = getenv("CMP_TRACING_ON");
	int fd = path ? open(path, O_WRONLY | O_CLOEXEC) : -1;

	if (fd >= 0) {
		(void)!write(fd, on ? "1\n" : "0\n", 2);
		close(fd);
	}
}

/*
 * The reference call for scaling the guest's kernel time to the host's:
 * getppid's round trip, untraced (the median of 20 runs of n/20 calls), then
 * n calls again with the trace on, whose in-kernel time the script reads.
 */
static int cmd_refcall(int n)
{
	int64_t runs[20];

	for (int r = 0; r < 20; r++) {
		int64_t t = vm_now_ns();

		for (int i = 0; i < n / 20; i++)
			syscall(SYS_getppid);
		runs[r] = (vm_now_ns() - t) / (n / 20);
	}
	tracing_gate(true);
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
	tracing_gate(false);
	head("refcall");
	printf(", \"calls\": %d, \"rt_ns\": %lld}\n", n, (long long)median(runs, 20));
	return 0;
}

static int cmd_loop(int n, int batches)
{
	struct gfx_device *dev = open_dev();
	bool drm = is_drm();
	struct gfx_bo *bo;
	int64_t t0;

	pin_for(dev);
	if (gfx_bo_create(dev, FB_W, FB_H, GFX_FMT_XRGB8888, &bo) < 0 || gfx_set_dst(dev, bo) < 0)
		die(dev, "buffer");
	for (int i = 0; i < 3; i++)
		batch(dev, n, WAIT_LIBGFX, drm);
	long long cfu_calls, cfu_bytes;

	hist_write("cfu", HIST_TRIGGER);
	perf_ctl("enable\n");
	tracing_gate(true);
	t0 = vm_now_ns();
	for (int i = 0; i < batches; i++)
		batch(dev, n, WAIT_LIBGFX, drm);
	t0 = vm_now_ns() - t0;
	tracing_gate(false);
	perf_ctl("disable\n");
	hist_read("cfu", &cfu_calls, &cfu_bytes);
	hist_write("cfu", "!" HIST_TRIGGER);
	gfx_close(dev);
	head("loop");
	printf(", \"n\": %d, \"batches\": %d, \"elapsed_s\": %.3f, \"hist\": \"%lld %lld\"}\n",
	       n, batches, (double)t0 / SEC, cfu_calls, cfu_bytes);
	return 0;
}

/*
 * Pipelined submission, as gfx-bench's small_fills: `batches` batches of n
 * fills, each submitted, none waited for until the end. Fills per second,
 * process and guest CPU per fill.
 */
static int cmd_pipe(int n, int batches)
{
	struct gfx_device *dev = open_dev();
	bool drm = is_drm();
	struct gfx_bo *bo;
	int64_t t0, c0, g0;

	pin_for(dev);
	if (gfx_bo_create(dev, FB_W, FB_H, GFX_FMT_XRGB8888, &bo) < 0 || gfx_set_dst(dev, bo) < 0)
		die(dev, "buffer");
	batch(dev, n, WAIT_LIBGFX, drm);
	perf_ctl("enable\n");
	g0 = guest_busy_ns();
	c0 = cpu_ns();
	t0 = vm_now_ns();
	for (int b = 0; b < batches; b++) {
		for (int i = 0; i < n; i++) {
			struct gfx_rect r = { (i * 64) % (FB_W - 64), (i / 29 * 64) % (FB_H - 64), 64, 64 };

			if (gfx_fill(dev, GFX_SRC, 0xff000000u | (i * 2654435761u >> 8), &r, 1) < 0)
				die(dev, "fill");
		}
		if (gfx_submit(dev) < 0)
			die(dev, "submit");
	}
	if (gfx_finish(dev, 10 * SEC) < 0)
		die(dev, "finish");
	t0 = vm_now_ns() - t0;
	c0 = cpu_ns() - c0;
	g0 = guest_busy_ns() - g0;
	perf_ctl("disable\n");
	gfx_close(dev);
	head("pipe");
	printf(", \"n\": %d, \"batches\": %d, \"fills_per_s\": %.0f, \"cpu_ns_per_fill\": %.1f, "
	       "\"guest_cpu_ns_per_fill\": %.1f, \"elapsed_s\": %.3f}\n", n, batches,
	       (double)n * batches / ((double)t0 / SEC), (double)c0 / n / batches,
	       (double)g0 / n / batches, (double)t0 / SEC);
	return 0;
}

/* ---- interrupt to user space ---- */

static int timer_wakes(int64_t *v, int n)
{
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	for (int i = 0; i < n; i++) {
		int64_t target = vm_now_ns() + 5000000;
		struct timespec ts = { target / SEC, target % SEC };

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		v[i] = vm_now_ns() - target;
	}
	return n;
}

struct vb {
	int vblanks, flips;
	uint64_t time_ns;
};

static void on_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	struct vb *s = data;

	if (ev->type == GFX_EVENT_VBLANK) {
		s->vblanks++;
		s->time_ns = ev->time_ns;
	} else if (ev->type == GFX_EVENT_FLIP_DONE) {
		s->flips++;
	}
}

/* The CRTC on (gfx_drm turns it on only with a framebuffer): one flip, waited for. */
static void first_flip(struct gfx_device *dev, struct gfx_bo **bo)
{
	struct gfx_info info;
	struct vb s = { 0 };

	gfx_get_info(dev, &info);
	if (gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, bo) < 0 ||
	    gfx_set_dst(dev, *bo) < 0 ||
	    gfx_fill(dev, GFX_SRC, 0xff202020u, &(struct gfx_rect){ 0, 0, info.width, info.height },
		     1) < 0 || gfx_flip(dev, *bo, 1) < 0 || gfx_submit(dev) < 0)
		die(dev, "first flip");
	while (!s.flips) {
		struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

		if (poll(&p, 1, 2000) <= 0 || gfx_dispatch(dev, on_event, &s) < 0)
			die(dev, "first flip done");
	}
}

/*
 * n samples of vblank -> the poller runs, into v, from the vblank event's
 * time; on uio also into h (*hgot of them) from the interrupt handler's
 * time (the irq page). Both events carry the device's own vblank time in
 * CLOCK_MONOTONIC, but translated apart: gfx_drm by the minimum of (handler
 * time - device time) over its recent interrupts (gfx_clock_sample), libgfx
 * on uio by their median (umd/clock.c), which puts the vblank later, by the
 * typical interrupt latency less the least. So that both start from the
 * same estimate, uio's samples are moved by the least (handler - event)
 * seen in the run, which is what the minimum would have given; *shift_ns
 * says by how much (0 on drm).
 */
static int irq_to_user(struct gfx_device *dev, bool drm, int64_t *v, int64_t *h, int *hgot, int n,
		       int64_t *shift_ns)
{
	const volatile struct gfx_uio_irq_page *ip = drm ? NULL : vm_map_irq_page();
	int fd = gfx_get_fd(dev), got = 0, tries = 0;
	int64_t least = INT64_MAX;
	struct vb s = { 0 };

	if (!drm && !ip) {
		fprintf(stderr, "gfx-vm-cmp: no uio_gfx irq page\n");
		exit(1);
	}
	if (gfx_set_vblank_events(dev, true) < 0)
		die(dev, "vblank events");
	gfx_dispatch(dev, NULL, NULL);
	while (got < n && tries++ < n * 3) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t before = ip ? __atomic_load_n(&ip->count, __ATOMIC_ACQUIRE) : 0;
		int64_t now, handler = 0;

		if (poll(&p, 1, 1000) <= 0)
			break;
		now = vm_now_ns();
		s = (struct vb){ 0 };
		/* uio: one interrupt since we went to sleep, and it was the vblank. */
		if (ip && __atomic_load_n(&ip->count, __ATOMIC_ACQUIRE) == before + 1 &&
		    (ip->last_cause & GFX_IRQ_VBLANK)) {
			handler = (int64_t)ip->last_ns;
			h[(*hgot)++] = now - handler;
		}
		if (gfx_dispatch(dev, on_event, &s) < 0)
			die(dev, "dispatch");
		if (s.vblanks != 1 || !s.time_ns || (ip && !handler))
			continue;
		if (ip && handler - (int64_t)s.time_ns < least)
			least = handler - (int64_t)s.time_ns;
		v[got++] = now - (int64_t)s.time_ns;
	}
	gfx_set_vblank_events(dev, false);
	gfx_dispatch(dev, NULL, NULL);
	*shift_ns = ip && got ? least : 0;
	for (int i = 0; i < got; i++)
		v[i] -= *shift_ns;
	return got;
}

static int cmd_irq(int n)
{
	bool drm = is_drm();
	int64_t *v = calloc((size_t)n, sizeof(int64_t)), *t = calloc((size_t)n, sizeof(int64_t));
	int64_t *h = calloc((size_t)n * 3, sizeof(int64_t));
	struct gfx_device *dev;
	struct gfx_bo *bo;
	int got, hgot = 0, cpu = pin_to_irq_cpu();
	int64_t shift = 0;

	timer_wakes(t, n / 2);
	dev = open_dev();
	first_flip(dev, &bo);
	got = irq_to_user(dev, drm, v, h, &hgot, n, &shift);
	gfx_close(dev);
	if (got < n / 2) {
		fprintf(stderr, "gfx-vm-cmp: only %d vblank samples of %d\n", got, n);
		return 1;
	}
	head("irq");
	printf(", \"cpu\": %d, \"p50_us\": %.1f, \"p99_us\": %.1f, \"timer_p50_us\": %.1f, "
	       "\"timer_p99_us\": %.1f", cpu, (double)vm_percentile(v, got, 50) / 1000,
	       (double)vm_percentile(v, got, 99) / 1000, (double)vm_percentile(t, n / 2, 50) / 1000,
	       (double)vm_percentile(t, n / 2, 99) / 1000);
	if (hgot)
		printf(", \"handler_p50_us\": %.1f, \"handler_p99_us\": %.1f, \"clock_shift_us\": %.1f",
		       (double)vm_percentile(h, hgot, 50) / 1000, (double)vm_percentile(h, hgot, 99) / 1000,
		       (double)shift / 1000);
	samples_json("samples_us", v, got);
	samples_json("timer_us", t, n / 2);
	printf("}\n");
	free(h);
	return 0;
}

/* ns on CPU of every thread of the processes (schedstat: exact, unlike utime + stime). */
static long long runtime_ns(int npids, char **pids)
{
	long long sum = 0;

	for (int i = 0; i < npids; i++) {
		char dir[300];
		DIR *d;
		struct dirent *e;

		snprintf(dir, sizeof(dir), "/proc/%s/task", pids[i]);
		d = opendir(dir);
		while (d && (e = readdir(d))) {
			char p[600];
			long long v;
			FILE *f;

			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s/schedstat", dir, e->d_name);
			f = fopen(p, "r");
			if (f && fscanf(f, "%lld", &v) == 1)
				sum += v;
			if (f)
				fclose(f);
		}
		if (d)
			closedir(d);
	}
	return sum;
}

int main(int argc, char **argv)
{
	/* For the shell: `busy` prints the guest's busy ns, `runtime PID...` their CPU ns. */
	if (argc >= 2 && !strcmp(argv[1], "busy")) {
		printf("%lld %lld\n", (long long)guest_busy_ns(), (long long)vm_now_ns());
		return 0;
	}
	/*
	 * `snap COMP CLIENT...`, one line: busy_ns now_ns comp_ns clients_ns
	 * comp_ticks (utime + stime) and /proc/stat's cpu fields; one process,
	 * so that taking it costs little inside the measured window.
	 */
	if (argc >= 3 && !strcmp(argv[1], "snap")) {
		char line[512] = "", p[64];
		long long ticks = 0, ut, st;
		FILE *f;

		snprintf(p, sizeof(p), "/proc/%s/stat", argv[2]);
		f = fopen(p, "r");
		if (f && fgets(line, sizeof(line), f)) {
			char *c = strrchr(line, ')');	/* after the command name */

			if (c && sscanf(c + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld",
					&ut, &st) == 2)
				ticks = ut + st;
		}
		if (f)
			fclose(f);
		f = fopen("/proc/stat", "r");
		if (!f || !fgets(line, sizeof(line), f))
			line[0] = 0;
		if (f)
			fclose(f);
		line[strcspn(line, "\n")] = 0;
		printf("%lld %lld %lld %lld %lld %s\n", (long long)guest_busy_ns(), (long long)vm_now_ns(),
		       runtime_ns(1, argv + 2), runtime_ns(argc - 3, argv + 3), ticks,
		       line[0] ? line + 4 : "");
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "runtime")) {
		printf("%lld\n", runtime_ns(argc - 2, argv + 2));
		return 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: gfx-vm-cmp submit|irq|refcall PATH ROUND [COUNT] | loop PATH ROUND N BATCHES"
			" | busy | runtime PID...\n");
		return 2;
	}
	path_name = argv[2];
	round_no = atoi(argv[3]);
	if (!strcmp(argv[1], "submit")) {
		pin_to_irq_cpu();
		return cmd_submit(argc > 4 ? atoi(argv[4]) : 200);
	}
	if (!strcmp(argv[1], "loop") && argc > 5) {
		pin_to_irq_cpu();
		return cmd_loop(atoi(argv[4]), atoi(argv[5]));
	}
	if (!strcmp(argv[1], "pipe") && argc > 5) {
		pin_to_irq_cpu();
		return cmd_pipe(atoi(argv[4]), atoi(argv[5]));
	}
	if (!strcmp(argv[1], "irq"))
		return cmd_irq(argc > 4 ? atoi(argv[4]) : 300);
	if (!strcmp(argv[1], "refcall"))
		return cmd_refcall(argc > 4 ? atoi(argv[4]) : 20000);
	fprintf(stderr, "gfx-vm-cmp: unknown workload %s\n", argv[1]);
	return 2;
}
