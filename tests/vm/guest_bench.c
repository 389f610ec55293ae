/* SPDX-License-Identifier: MIT */
/*
 * guest_bench.c - gfx-vm-bench, interrupt-path measurements inside the VM.
 *
 *   gfx-vm-bench [--prefix uio] [--samples N]
 *
 * Prints JSON lines {"name","value","unit","reference","ratio"}:
 *   PREFIX_irq_to_user_p50/_p99  kernel timestamp of a vblank interrupt
 *                                (the stub's irq page) -> the process blocked
 *                                in poll() on libgfx's fd is running again
 *   PREFIX_fence_roundtrip       submit a fence with interrupt -> the
 *                                caller of gfx_fence_wait() returns (p50)
 *   PREFIX_syscalls_per_frame    system calls per frame of fill + flip +
 *                                submit + wait for FLIP_DONE, counted with
 *                                ptrace over 60 frames
 * References are measured in the same guest, on the same CPU: for the
 * interrupt latency a timer waking a sleeper on the idle CPU (interrupt ->
 * user space with no driver involved: the floor of this machine), for the
 * fence round trip an eventfd ping-pong between two processes. Everything
 * runs on the CPU that takes the GPU's interrupt. The prefix lets a DRM driver's run use the same program's
 * output format (`drm_...`) for the next comparison.
 */
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#include "gfx.h"
#include "vmutil.h"

#define SEC 1000000000LL

static const char *prefix = "uio";

static void emit(const char *name, double value, const char *unit, double ref)
{
	if (ref > 0)
		printf("{\"name\": \"%s_%s\", \"value\": %.3f, \"unit\": \"%s\", \"reference\": %.3f, "
		       "\"ratio\": %.3f}\n", prefix, name, value, unit, ref, value / ref);
	else
		printf("{\"name\": \"%s_%s\", \"value\": %.3f, \"unit\": \"%s\", \"reference\": null, "
		       "\"ratio\": null}\n", prefix, name, value, unit);
	fflush(stdout);
}

static struct gfx_device *open_dev(void)
{
	struct gfx_device *dev;

	if (gfx_open(NULL, &dev) < 0) {
		fprintf(stderr, "gfx-vm-bench: %s\n", gfx_last_error(NULL));
		exit(1);
	}
	return dev;
}

/* Eventfd ping-pong between two processes: one-way wake-ups (ns) in v. */
static int eventfd_wakes(int64_t *oneway, int64_t *rtt, int n)
{
	int a = eventfd(0, 0), b = eventfd(0, 0);
	int64_t *shared = mmap(NULL, sizeof(int64_t) * 2, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t v;
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			(void)!read(a, &v, sizeof(v));
			__atomic_store_n(&shared[0], vm_now_ns(), __ATOMIC_RELEASE);
			(void)!write(b, &v, sizeof(v));
		}
		_exit(0);
	}
	for (int i = 0; i < n; i++) {
		int64_t t0, t2;

		usleep(2000);	/* let the child block in read() */
		v = 1;
		t0 = vm_now_ns();
		(void)!write(a, &v, sizeof(v));
		(void)!read(b, &v, sizeof(v));
		t2 = vm_now_ns();
		oneway[i] = __atomic_load_n(&shared[0], __ATOMIC_ACQUIRE) - t0;
		rtt[i] = t2 - t0;
	}
	waitpid(pid, NULL, 0);
	close(a);
	close(b);
	return n;
}

/*
 * Run on the CPU that takes the master context's vector, as a
 * latency-sensitive display server would (not a client context's: their
 * vectors may sit on the other CPU). Under TCG a wake-up across vCPUs costs
 * milliseconds when the other vCPU idles, which would swamp the path being
 * measured.
 */
static int pin_to_irq_cpu(void)
{
	return vm_pin_to_irq(GFX_UIO_NAME);
}

/*
 * The same wake-up without the GPU: a timer expiring while the CPU idles
 * (hrtimer interrupt -> the sleeper runs), measured as the lateness of an
 * absolute clock_nanosleep with the timer slack at its minimum.
 */
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

/* Vblank interrupts: irq page timestamp -> the blocked poller runs. */
static int irq_to_user(struct gfx_device *dev, const volatile struct gfx_uio_irq_page *ip,
		       int64_t *v, int n)
{
	int fd = gfx_get_fd(dev), got = 0, tries = 0;

	gfx_set_vblank_events(dev, true);
	gfx_dispatch(dev, NULL, NULL);
	while (got < n && tries++ < n * 3) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t before = __atomic_load_n(&ip->count, __ATOMIC_ACQUIRE), after;
		int64_t now;

		if (poll(&p, 1, 1000) <= 0)
			break;
		now = vm_now_ns();
		after = __atomic_load_n(&ip->count, __ATOMIC_ACQUIRE);
		/* One interrupt since we went to sleep, and it was the vblank. */
		if (after == before + 1 && (ip->last_cause & GFX_IRQ_VBLANK))
			v[got++] = now - (int64_t)ip->last_ns;
		gfx_dispatch(dev, NULL, NULL);
	}
	gfx_set_vblank_events(dev, false);
	gfx_dispatch(dev, NULL, NULL);
	return got;
}

static int fence_roundtrip(struct gfx_device *dev, int64_t *v, int n)
{
	uint64_t seq;

	for (int i = 0; i < n; i++) {
		int64_t t0 = vm_now_ns();

		if (gfx_fence(dev, true, &seq) < 0 || gfx_submit(dev) < 0 ||
		    gfx_fence_wait(dev, seq, SEC) < 0) {
			fprintf(stderr, "gfx-vm-bench: fence: %s\n", gfx_last_error(dev));
			return i;
		}
		v[i] = vm_now_ns() - t0;
		usleep(1000);
	}
	return n;
}

static void on_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	if (ev->type == GFX_EVENT_FLIP_DONE)
		*(uint64_t *)data = ev->user_data;
}

/*
 * The measured loop: per frame one fill into the back buffer, a flip, one
 * submit, then poll + dispatch until that flip is done. getppid() marks the
 * start and the end for the tracer.
 */
static int frame_loop(int frames)
{
	struct gfx_device *dev = open_dev();
	struct gfx_info info;
	struct gfx_bo *bo[2];
	int fd = gfx_get_fd(dev);

	gfx_get_info(dev, &info);
	for (int i = 0; i < 2; i++)
		if (gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &bo[i]) < 0)
			return 1;
	syscall(SYS_getppid);
	for (int i = 1; i <= frames; i++) {
		struct gfx_rect r = { 0, 0, info.width, info.height };
		uint64_t done = 0;

		gfx_set_dst(dev, bo[i & 1]);
		gfx_fill(dev, GFX_SRC, 0xff000000u | (uint32_t)i * 0x010203u, &r, 1);
		gfx_flip(dev, bo[i & 1], (uint64_t)i);
		gfx_submit(dev);
		while (done != (uint64_t)i) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 1000) <= 0 || gfx_dispatch(dev, on_event, &done) < 0)
				return 1;
		}
	}
	syscall(SYS_getppid);
	gfx_close(dev);
	return 0;
}

/* Count the child's system calls between the two getppid() markers. */
static double syscalls_per_frame(int frames)
{
	long count = 0, markers = 0, per[512] = { 0 };
	int status, inside = 0;
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(frame_loop(frames));
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
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || markers != 2) {
		fprintf(stderr, "gfx-vm-bench: traced frame loop failed (markers %ld)\n", markers);
		return -1;
	}
	fprintf(stderr, "gfx-vm-bench: %ld system calls in %d frames, by number:", count, frames);
	for (int i = 0; i < 512; i++)
		if (per[i])
			fprintf(stderr, " %d:%ld", i, per[i]);
	fprintf(stderr, "\n");
	return (double)count / frames;
}

int main(int argc, char **argv)
{
	int n = 300;
	int64_t *a, *b, *c;
	const volatile struct gfx_uio_irq_page *ip;
	struct gfx_device *dev;
	int got, cpu;
	double spf;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--prefix") && i + 1 < argc)
			prefix = argv[++i];
		else if (!strcmp(argv[i], "--samples") && i + 1 < argc)
			n = atoi(argv[++i]);
	}
	a = calloc((size_t)n, sizeof(*a));
	b = calloc((size_t)n, sizeof(*b));
	c = calloc((size_t)n, sizeof(*c));
	ip = vm_map_irq_page();
	cpu = pin_to_irq_cpu();	/* inherited by the eventfd partner and the traced loop */
	fprintf(stderr, "gfx-vm-bench: running on CPU %d, where the interrupt lands\n", cpu);
	if (!ip) {
		fprintf(stderr, "gfx-vm-bench: no uio_gfx irq page\n");
		return 1;
	}
	eventfd_wakes(a, b, n);
	double ef_p50 = (double)vm_percentile(a, n, 50) / 1000;
	double ef_rtt = (double)vm_percentile(b, n, 50) / 1000;

	timer_wakes(a, n / 2);
	double tm_p50 = (double)vm_percentile(a, n / 2, 50) / 1000;
	double tm_p99 = (double)vm_percentile(a, n / 2, 99) / 1000;
	fprintf(stderr, "gfx-vm-bench: eventfd wake-up (one way, same CPU) p50 %.1f us; "
		"timer wake-up from idle p50 %.1f us p99 %.1f us\n", ef_p50, tm_p50, tm_p99);

	dev = open_dev();
	got = irq_to_user(dev, ip, c, n);
	if (got < n / 2) {
		fprintf(stderr, "gfx-vm-bench: only %d vblank samples\n", got);
		return 1;
	}
	emit("irq_to_user_p50", (double)vm_percentile(c, got, 50) / 1000, "us", tm_p50);
	emit("irq_to_user_p99", (double)vm_percentile(c, got, 99) / 1000, "us", tm_p99);
	got = fence_roundtrip(dev, c, n);
	if (got < n)
		return 1;
	emit("fence_roundtrip", (double)vm_percentile(c, got, 50) / 1000, "us", ef_rtt);
	gfx_close(dev);

	spf = syscalls_per_frame(60);
	if (spf < 0)
		return 1;
	emit("syscalls_per_frame", spf, "syscalls", 0);
	return 0;
}
