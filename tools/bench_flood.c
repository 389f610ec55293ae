/* SPDX-License-Identifier: MIT */
/*
 * bench_flood.c - hardware contexts under abuse: every client context floods
 * the engine with large bilinear scaled blits, each from its own process,
 * while the master (a compositor's loop) flips one frame per vblank.
 *
 * The host that runs gfx-device is loaded by other work too, so the master
 * misses vblanks now and then even alone. The reference is measured in the
 * same run, interleaved: segments with the clients running alternate with
 * segments where they are stopped (SIGSTOP) and their queues drained. The
 * results: the share of vblanks that got a new master frame (flood against
 * alone), the master's fence round trip during the flood (against alone:
 * the preemption latency), and the clients' drawing rate.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define FLOOD_SRC	64
#define SEGMENTS	6	/* per kind, alternating */

/*
 * A client process on its own context: OVER blits of a small source onto
 * most of its window, as fast as the GPU takes them (two batches in
 * flight), until SIGTERM. Writes the pixels it got drawn to fd.
 */
static void __attribute__((noreturn)) flood_client(struct gfx_context_handle *h, int fd)
{
	struct gfx_device *dev;
	struct gfx_info info;
	struct gfx_bo *src, *dst;
	uint64_t pixels = 0, prev = 0, seq;
	uint32_t w = 1024, hgt;
	sigset_t term, pending;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);	/* noticed between batches, never mid-submit */
	if (gfx_open_context(h, &dev) < 0 || gfx_get_info(dev, &info) < 0) {
		fprintf(stderr, "gfx-bench: flood client: %s\n", gfx_last_error(NULL));
		_exit(1);
	}
	hgt = (uint32_t)((info.window_size - info.window_size / 4) / (w * 4));	/* room for the ring */
	if (gfx_bo_create(dev, FLOOD_SRC, FLOOD_SRC, GFX_FMT_ARGB8888, &src) < 0 ||
	    gfx_bo_create(dev, w, hgt, GFX_FMT_XRGB8888, &dst) < 0)
		_exit(1);
	memset(src->map, 0x80, (size_t)src->stride * FLOOD_SRC);
	gfx_set_src(dev, src);
	gfx_set_dst(dev, dst);
	while (sigpending(&pending) == 0 && sigismember(&pending, SIGTERM) != 1) {
		for (int i = 0; i < 4; i++)
			gfx_stretch(dev, 0, 0, FLOOD_SRC << 16, FLOOD_SRC << 16,
				    &(struct gfx_rect){ 0, 0, w, hgt }, GFX_BILINEAR, GFX_OVER, 200);
		if (gfx_fence(dev, true, &seq) < 0 || gfx_submit(dev) < 0)
			break;
		if (prev && gfx_fence_wait(dev, prev, TIMEOUT_NS) < 0)
			break;
		pixels += prev ? 4ull * w * hgt : 0;
		prev = seq;
	}
	if (write(fd, &pixels, sizeof(pixels)) != sizeof(pixels))
		_exit(1);
	gfx_close(dev);
	_exit(0);
}

/* Every client context idle: the stopped clients' queued blits have drained. */
static void wait_clients_idle(struct gfx_device *dev, int n)
{
	double end = now_ms() + 5000;

	for (int c = 1; c <= n; c++) {
		struct gfx_context_info ci;

		while (gfx_context_info(dev, (uint32_t)c, &ci) == 0 && !(ci.status & GFX_STATUS_IDLE) &&
		       now_ms() < end)
			usleep(1000);
	}
}

static void signal_all(const pid_t *pid, int n, int sig)
{
	for (int i = 0; i < n; i++)
		kill(pid[i], sig);
}

void bench_client_flood(struct gfx_device *dev, struct gfx_bo *bo[2], int frames,
			double fence_us_alone, double scale_mpix_alone)
{
	struct gfx_info info;
	pid_t pid[GFX_MAX_CONTEXTS];
	int pipefd[2], n, ret, seg_frames = frames / SEGMENTS > 10 ? frames / SEGMENTS : 10;
	double missed[2] = { 0, 0 }, fence_us[SEGMENTS], flood_ms = 0, t0;
	uint64_t total = 0, px;

	if ((ret = gfx_get_info(dev, &info)) < 0)
		die(dev, "info", ret);
	n = (int)info.context_count - 1;
	if (pipe(pipefd) < 0)
		die(dev, "pipe", -errno);
	for (int i = 0; i < n; i++) {
		struct gfx_context_handle h;

		if ((ret = gfx_context_acquire(dev, &h)) < 0)
			die(dev, "context_acquire", ret);
		pid[i] = fork();
		if (pid[i] == 0)
			flood_client(&h, pipefd[1]);
		gfx_context_handle_close(&h);
	}
	for (int seg = 0; seg < 2 * SEGMENTS; seg++) {
		int flood = seg % 2 == 0;

		signal_all(pid, n, flood ? SIGCONT : SIGSTOP);
		if (flood)
			usleep(100000);		/* every client has blits queued */
		else
			wait_clients_idle(dev, n);
		t0 = now_ms();
		missed[flood] += bench_vblank_missed(dev, bo, seg_frames, info.width, info.height);
		if (flood) {
			fence_us[seg / 2] = bench_fence_roundtrip_n(dev, 21);
			flood_ms += now_ms() - t0;
		}
	}
	signal_all(pid, n, SIGCONT);
	signal_all(pid, n, SIGTERM);
	for (int i = 0; i < n; i++) {
		if (read(pipefd[0], &px, sizeof(px)) == sizeof(px))
			total += px;
		waitpid(pid[i], NULL, 0);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	for (int c = 1; c <= n; c++)
		gfx_context_release(dev, (uint32_t)c);

	/* The share of vblanks that showed a new master frame. */
	double shown[2];

	for (int k = 0; k < 2; k++)
		shown[k] = 100.0 * SEGMENTS * seg_frames / (SEGMENTS * seg_frames + missed[k]);
	record("master_vblanks_shown_client_flood", shown[1], "%", "master_vblanks_shown_alone", shown[0]);
	record("master_missed_vblanks_client_flood", missed[1], "vblanks", NULL, 0);
	record("master_missed_vblanks_alone", missed[0], "vblanks", NULL, 0);
	record("master_fence_roundtrip_client_flood", median(fence_us, SEGMENTS), "us", "fence_roundtrip",
	       fence_us_alone);
	/* Pixels drawn over the flood segments (the clients were stopped in the others). */
	record("client_flood_mpix_per_s", total / (flood_ms * 1e3), "Mpix/s", "scale_1080p_mpix_per_s",
	       scale_mpix_alone);
}
