/* SPDX-License-Identifier: MIT */
/*
 * gfx-native-costs - what the host's own kernel charges for the operations
 * the VM comparison counts (docs/comparison.md, "Beyond TCG"): under TCG
 * every kernel entry costs about ten times what it costs natively, so the
 * counts measured in the guest are priced with these.
 *
 * Prints JSON lines {"name", "value", "unit", "reference": null, "ratio": null}:
 *   native_syscall_ns          getppid(), the cheapest system call
 *   native_copy_from_user_ns_per_kib
 *                              pwrite() into a memfd, 64 KiB against 4 KiB:
 *                              the slope is the copy from user space
 *   native_wakeup_same_cpu_ns  CPU per wake-up plus context switch: an
 *                              eventfd ping-pong of two processes on one CPU,
 *                              half a round trip less two system calls
 *   native_wakeup_cross_cpu_ns the same ping-pong across two CPUs, CPU time
 *                              of both processes per one-way wake-up (what
 *                              it costs, not how long it takes)
 *   native_wakeup_cross_cpu_latency_ns
 *                              one way, from idle: how long it takes
 *   native_ipi_ns              membarrier(PRIVATE_EXPEDITED) with a thread
 *                              spinning on the other CPU, less a system
 *                              call: sending an IPI, the remote handler, the
 *                              ack; the price of one interrupt here
 * Medians of several runs. Usage: gfx-native-costs [--quick]
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SEC 1000000000LL

static int scale = 1;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[n / 2];
}

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &s);
	sched_setaffinity(0, sizeof(s), &s);
}

static void emit(const char *name, double v, const char *unit)
{
	printf("{\"name\": \"%s\", \"value\": %.2f, \"unit\": \"%s\", \"reference\": null, "
	       "\"ratio\": null}\n", name, v, unit);
	fflush(stdout);
}

static double syscall_ns(void)
{
	double r[9];
	int n = 200000 / scale;

	for (int k = 0; k < 9; k++) {
		int64_t t0 = now_ns();

		for (int i = 0; i < n; i++)
			syscall(SYS_getppid);
		r[k] = (double)(now_ns() - t0) / n;
	}
	return median(r, 9);
}

static double pwrite_ns(int fd, char *buf, size_t len)
{
	double r[9];
	int n = 20000 / scale;

	for (int k = 0; k < 9; k++) {
		int64_t t0 = now_ns();

		for (int i = 0; i < n; i++)
			if (pwrite(fd, buf, len, 0) != (ssize_t)len)
				exit(1);
		r[k] = (double)(now_ns() - t0) / n;
	}
	return median(r, 9);
}

static double copy_ns_per_kib(void)
{
	int fd = memfd_create("gfx-native-costs", 0);
	char *buf = malloc(65536);

	if (fd < 0 || !buf || ftruncate(fd, 65536) < 0)
		exit(1);
	memset(buf, 7, 65536);
	pwrite_ns(fd, buf, 65536);	/* the pages exist from now on */
	double small = pwrite_ns(fd, buf, 4096), big = pwrite_ns(fd, buf, 65536);

	close(fd);
	free(buf);
	return (big - small) / 60;
}

/*
 * Eventfd ping-pong between this process on cpu_a and a child on cpu_b.
 * *oneway: median one-way latency; *cpu: CPU of both sides per one-way hop.
 * idle_gap_us > 0 lets the child block (and its CPU idle) before each ping.
 */
static void pingpong(int cpu_a, int cpu_b, int rounds, int idle_gap_us, double *oneway,
		     double *cpu)
{
	int a = eventfd(0, 0), b = eventfd(0, 0), st;
	int64_t *child_cpu = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
	double *t = calloc((size_t)rounds, sizeof(double));
	uint64_t v = 1;
	int64_t c0;
	pid_t pid = fork();

	if (pid == 0) {
		int64_t c = 0;

		pin(cpu_b);
		for (int i = 0; i < rounds; i++) {
			(void)!read(a, &v, sizeof(v));
			if (i == 0)
				c = cpu_ns();
			(void)!write(b, &v, sizeof(v));
		}
		child_cpu[0] = cpu_ns() - c;
		_exit(0);
	}
	pin(cpu_a);
	usleep(10000);
	c0 = 0;
	for (int i = 0; i < rounds; i++) {
		int64_t t0;

		if (idle_gap_us)
			usleep((useconds_t)idle_gap_us);
		if (i == 1)
			c0 = cpu_ns();
		t0 = now_ns();
		(void)!write(a, &v, sizeof(v));
		(void)!read(b, &v, sizeof(v));
		t[i] = (double)(now_ns() - t0) / 2;
	}
	c0 = cpu_ns() - c0;
	waitpid(pid, &st, 0);
	*oneway = median(t, rounds);
	/* Both sides, rounds - 1 round trips of two hops each (the first is warm-up). */
	*cpu = (double)(c0 + child_cpu[0]) / (2.0 * (rounds - 1));
	munmap(child_cpu, 4096);
	free(t);
	close(a);
	close(b);
}

static volatile int spin_stop;

static void *spinner(void *arg)
{
	pin(1);
	while (!spin_stop)
		__asm__ volatile("pause");
	return NULL;
}

static double ipi_ns(double sys)
{
	pthread_t th;
	double r[9];
	int n = 20000 / scale;

	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) < 0)
		return -1;
	pin(0);
	pthread_create(&th, NULL, spinner, NULL);
	usleep(20000);
	for (int k = 0; k < 9; k++) {
		int64_t t0 = now_ns();

		for (int i = 0; i < n; i++)
			syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
		r[k] = (double)(now_ns() - t0) / n;
	}
	spin_stop = 1;
	pthread_join(th, NULL);
	return median(r, 9) - sys;
}

int main(int argc, char **argv)
{
	double sys, lat, cpu, same_lat, same_cpu, r[5], c[5];

	if (argc > 1 && !strcmp(argv[1], "--quick"))
		scale = 10;
	pin(0);
	sys = syscall_ns();
	emit("native_syscall_ns", sys, "ns");
	emit("native_copy_from_user_ns_per_kib", copy_ns_per_kib(), "ns/KiB");
	for (int k = 0; k < 5; k++)
		pingpong(0, 0, 20000 / scale, 0, &r[k], &c[k]);
	same_lat = median(r, 5);
	same_cpu = median(c, 5);
	emit("native_wakeup_same_cpu_ns", same_lat - 2 * sys, "ns");
	for (int k = 0; k < 5; k++)
		pingpong(0, 1, 20000 / scale, 0, &r[k], &c[k]);
	cpu = median(c, 5);
	emit("native_wakeup_cross_cpu_ns", cpu - 2 * sys, "ns");
	for (int k = 0; k < 5; k++)
		pingpong(0, 1, 400 / scale + 2, 1000, &r[k], &c[k]);
	lat = median(r, 5);
	emit("native_wakeup_cross_cpu_latency_ns", lat, "ns");
	emit("native_ipi_ns", ipi_ns(sys), "ns");
	(void)same_cpu;
	return 0;
}
