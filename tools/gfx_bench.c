/* SPDX-License-Identifier: MIT */
/*
 * gfx-bench - measure the GPU through libgfx against references measured in
 * the same run (memcpy, single-thread pixman, an eventfd ping-pong).
 *
 * Prints a table; with --json, one JSON object per line:
 * {"name", "value", "unit", "reference", "ratio"}. Timings are medians.
 */
#include <errno.h>
#include <getopt.h>
#include <pixman.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gfx.h"
#include "gfx_hw.h"
#include "bench.h"

#define W 1920
#define H 1080
#define FRAME_BYTES ((size_t)W * H * 4)

int iterations = 30;

/* ---- references ---- */

static double bench_memcpy(void)
{
	double t[64];
	char *a = malloc(FRAME_BYTES), *b = malloc(FRAME_BYTES);

	if (!a || !b)
		exit(1);
	memset(a, 1, FRAME_BYTES);
	memset(b, 2, FRAME_BYTES);
	for (int i = 0; i < iterations; i++) {
		double t0 = now_ms();

		memcpy(i % 2 ? a : b, i % 2 ? b : a, FRAME_BYTES);
		t[i] = now_ms() - t0;
	}
	free(a);
	free(b);
	return median(t, iterations);
}

static double bench_pixman_blend(void)
{
	double t[64];
	uint32_t *src = malloc(FRAME_BYTES), *dst = malloc(FRAME_BYTES);
	pixman_image_t *s, *d;

	if (!src || !dst)
		exit(1);
	for (size_t i = 0; i < (size_t)W * H; i++) {
		src[i] = 0x80402010u;	/* premultiplied, half transparent */
		dst[i] = 0xff204060u;
	}
	s = pixman_image_create_bits(PIXMAN_a8r8g8b8, W, H, src, W * 4);
	d = pixman_image_create_bits(PIXMAN_x8r8g8b8, W, H, dst, W * 4);
	for (int i = 0; i < iterations; i++) {
		double t0 = now_ms();

		pixman_image_composite32(PIXMAN_OP_OVER, s, NULL, d, 0, 0, 0, 0, 0, 0, W, H);
		t[i] = now_ms() - t0;
	}
	pixman_image_unref(s);
	pixman_image_unref(d);
	free(src);
	free(dst);
	return median(t, iterations);
}

/*
 * The same 64x64 SRC fills as bench_small_fills(), done in this process by
 * single-threaded pixman into a CPU frame: fills per second. The absolute
 * fill rate does not carry from one machine to another; this ratio does.
 */
static double bench_pixman_small_fills(void)
{
	const int batch = 1000, batches = iterations * 4;
	uint32_t *frame = calloc((size_t)W * H, 4);
	double t0;

	if (!frame)
		exit(1);
	t0 = now_ms();
	for (int b = 0; b < batches; b++)
		for (int i = 0; i < batch; i++)
			pixman_fill(frame, W, 32, (i * 64) % (W - 64), (i / 29 * 64) % (H - 64), 64, 64,
				    0xff000000u | (i * 2654435761u >> 8));
	t0 = now_ms() - t0;
	free(frame);
	return batch * batches / (t0 / 1e3);
}

/* Round trip between two processes over two eventfds, in µs. */
static double bench_eventfd_pingpong(void)
{
	int ping = eventfd(0, 0), pong = eventfd(0, 0);
	int rounds = iterations * 20;
	double *t = calloc(rounds, sizeof(*t));
	uint64_t v = 1;
	pid_t child;

	if (ping < 0 || pong < 0 || !t)
		exit(1);
	child = fork();
	if (child == 0) {
		for (int i = 0; i < rounds; i++) {
			if (read(ping, &v, 8) != 8 || write(pong, &v, 8) != 8)
				_exit(1);
		}
		_exit(0);
	}
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms();

		v = 1;
		if (write(ping, &v, 8) != 8 || read(pong, &v, 8) != 8)
			break;
		t[i] = (now_ms() - t0) * 1e3;
	}
	waitpid(child, NULL, 0);
	close(ping);
	close(pong);
	v = (uint64_t)(median(t, rounds) * 1000);
	free(t);
	return v / 1000.0;
}

/* ---- the GPU through libgfx ---- */

static struct gfx_bo *create(struct gfx_device *dev, uint32_t w, uint32_t h, uint32_t fmt,
			     uint32_t pixel)
{
	struct gfx_bo *bo;
	int ret = gfx_bo_create(dev, w, h, fmt, &bo);

	if (ret < 0)
		die(dev, "bo_create", ret);
	for (uint32_t y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)((char *)bo->map + (size_t)y * bo->stride);

		for (uint32_t x = 0; x < w; x++)
			row[x] = pixel;
	}
	return bo;
}

/* Time one operation, emitted by emit(), from submit to its fence, in ms. */
static double time_op(struct gfx_device *dev, void (*emit)(struct gfx_device *, void *),
		      void *arg)
{
	double t[64];
	uint64_t seq;
	int ret;

	emit(dev, arg);	/* warm-up */
	if ((ret = gfx_finish(dev, TIMEOUT_NS)) < 0)
		die(dev, "finish", ret);
	for (int i = 0; i < iterations; i++) {
		double t0 = now_ms();

		emit(dev, arg);
		if ((ret = gfx_fence(dev, true, &seq)) < 0 ||
		    (ret = gfx_submit(dev)) < 0 ||
		    (ret = gfx_fence_wait(dev, seq, TIMEOUT_NS)) < 0)
			die(dev, "operation", ret);
		t[i] = now_ms() - t0;
	}
	return median(t, iterations);
}

struct op_args {
	struct gfx_bo *dst, *src;
};

static double cpu_us_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * Waiting for work longer than libgfx's spin (a 1080p fill, milliseconds):
 * this process's CPU per wait (emit, submit, wait) against the wait's wall
 * time. A driver that spins before it sleeps pays its spin here every time;
 * one that sleeps at once pays only its system calls.
 */
static double bench_long_wait(struct gfx_device *dev, void (*emit)(struct gfx_device *, void *),
			      void *arg, double *wall_us)
{
	int rounds = iterations * 10;
	double *cpu = calloc(rounds, sizeof(*cpu)), *wall = calloc(rounds, sizeof(*wall)), m;
	uint64_t seq;
	int ret;

	if (!cpu || !wall)
		exit(1);
	for (int i = 0; i < rounds; i++) {
		double c0 = cpu_us_now(), t0 = now_ms();

		emit(dev, arg);
		if ((ret = gfx_fence(dev, true, &seq)) < 0 || (ret = gfx_submit(dev)) < 0 ||
		    (ret = gfx_fence_wait(dev, seq, TIMEOUT_NS)) < 0)
			die(dev, "long wait", ret);
		cpu[i] = cpu_us_now() - c0;
		wall[i] = (now_ms() - t0) * 1e3;
	}
	m = median(cpu, rounds);
	*wall_us = median(wall, rounds);
	free(cpu);
	free(wall);
	return m;
}

static void emit_fill(struct gfx_device *dev, void *arg)
{
	struct op_args *a = arg;
	struct gfx_rect r = { 0, 0, W, H };

	gfx_set_dst(dev, a->dst);
	gfx_fill(dev, GFX_SRC, 0xff336699u, &r, 1);
}

static void emit_copy(struct gfx_device *dev, void *arg)
{
	struct op_args *a = arg;
	struct gfx_copy_rect r = { 0, 0, 0, 0, W, H };

	gfx_set_dst(dev, a->dst);
	gfx_set_src(dev, a->src);
	gfx_copy(dev, &r, 1);
}

static void emit_blend(struct gfx_device *dev, void *arg)
{
	struct op_args *a = arg;
	struct gfx_copy_rect r = { 0, 0, 0, 0, W, H };

	gfx_set_dst(dev, a->dst);
	gfx_set_src(dev, a->src);
	gfx_blend(dev, 255, &r, 1);
}

static void emit_scale(struct gfx_device *dev, void *arg)
{
	struct op_args *a = arg;
	struct gfx_rect r = { 0, 0, W, H };

	gfx_set_dst(dev, a->dst);
	gfx_set_src(dev, a->src);
	gfx_stretch(dev, 0, 0, 1280 << 16, 720 << 16, &r, GFX_BILINEAR, GFX_OVER, 255);
}

/* 64x64 fills, one command each, submitted in batches; fills per second. */
static double bench_small_fills(struct gfx_device *dev, struct gfx_bo *dst)
{
	const int batch = 1000, batches = iterations * 4;
	double t0;
	int ret;

	gfx_set_dst(dev, dst);
	if ((ret = gfx_finish(dev, TIMEOUT_NS)) < 0)
		die(dev, "finish", ret);
	t0 = now_ms();
	for (int b = 0; b < batches; b++) {
		for (int i = 0; i < batch; i++) {
			struct gfx_rect r = { (i * 64) % (W - 64), (i / 29 * 64) % (H - 64), 64, 64 };

			if ((ret = gfx_fill(dev, GFX_SRC, 0xff000000u | (i * 2654435761u >> 8),
					    &r, 1)) < 0)
				die(dev, "fill", ret);
		}
		if ((ret = gfx_submit(dev)) < 0)
			die(dev, "submit", ret);
	}
	if ((ret = gfx_finish(dev, TIMEOUT_NS)) < 0)
		die(dev, "finish", ret);
	return batch * batches / ((now_ms() - t0) / 1e3);
}

/*
 * One NOP and a fence with an interrupt, submitted and waited for; µs per
 * round trip. The NOP makes it a job on every driver: on the DRM driver a
 * fence with no work since the last one is the last job's seqno, already done.
 */
static int emit_nop(struct gfx_device *dev)
{
	const uint32_t nop = GFX_CMD(GFX_OP_NOP, 0, 1);

	return gfx_emit_raw(dev, &nop, 1);
}

/* Round trips of one NOP and an interrupting fence; µs, median of rounds. */
double bench_fence_roundtrip_n(struct gfx_device *dev, int rounds)
{
	double *t = calloc(rounds, sizeof(*t)), m;
	uint64_t seq;
	int ret;

	if (!t)
		exit(1);
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms();

		if ((ret = emit_nop(dev)) < 0 || (ret = gfx_fence(dev, true, &seq)) < 0 ||
		    (ret = gfx_submit(dev)) < 0 || (ret = gfx_fence_wait(dev, seq, TIMEOUT_NS)) < 0)
			die(dev, "fence", ret);
		t[i] = (now_ms() - t0) * 1e3;
	}
	m = median(t, rounds);
	free(t);
	return m;
}

static void on_fence_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	if (ev->type == GFX_EVENT_FENCE)
		*(uint64_t *)data = ev->seq;
}

/*
 * The same round trip as an event loop sees it: block in poll() on libgfx's
 * fd at once, no spin, then dispatch. Like the eventfd reference, every
 * round trip here pays the wake-ups.
 */
static double bench_fence_event_loop(struct gfx_device *dev)
{
	int rounds = iterations * 20;
	double *t = calloc(rounds, sizeof(*t)), m;
	uint64_t seq, signaled;
	int ret;

	if (!t)
		exit(1);
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms();

		if ((ret = emit_nop(dev)) < 0 || (ret = gfx_fence(dev, true, &seq)) < 0 ||
		    (ret = gfx_submit(dev)) < 0)
			die(dev, "fence", ret);
		signaled = 0;
		while (!gfx_seqno_passed(signaled, seq)) {
			struct pollfd pfd = { gfx_get_fd(dev), POLLIN, 0 };

			if (poll(&pfd, 1, TIMEOUT_NS / 1000000) == 0)
				die(dev, "fence never signaled", -ETIMEDOUT);
			if ((ret = gfx_dispatch(dev, on_fence_event, &signaled)) < 0)
				die(dev, "dispatch", ret);
		}
		t[i] = (now_ms() - t0) * 1e3;
	}
	m = median(t, rounds);
	free(t);
	return m;
}

struct flip_state {
	uint64_t last_seq;
	uint64_t missed;
	int done;
};

static void on_flip_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	struct flip_state *s = data;

	if (ev->type != GFX_EVENT_FLIP_DONE)
		return;
	if (s->last_seq && ev->seq > s->last_seq + 1)
		s->missed += ev->seq - s->last_seq - 1;
	s->last_seq = ev->seq;
	s->done++;
}

/* Flip two buffers every vblank; count vblanks with no new frame. */
double bench_vblank_missed(struct gfx_device *dev, struct gfx_bo *bo[2], int frames,
			   uint32_t width, uint32_t height)
{
	struct flip_state s = { 0 };
	struct gfx_rect bar = { 0, 0, 32, height };
	int ret;

	for (int i = 0; i < frames; i++) {
		struct gfx_bo *back = bo[i % 2];
		int target = s.done + 1;

		bar.x = (i * 8) % (width - 32);
		gfx_set_dst(dev, back);
		gfx_fill(dev, GFX_SRC, 0xff101010u, &(struct gfx_rect){ 0, 0, width, height }, 1);
		gfx_fill(dev, GFX_SRC, 0xffffffffu, &bar, 1);
		if ((ret = gfx_flip(dev, back, i)) < 0 || (ret = gfx_submit(dev)) < 0)
			die(dev, "flip", ret);
		/* The flip is latched at a vblank; wait as an event loop would. */
		while (s.done < target) {
			struct pollfd pfd = { gfx_get_fd(dev), POLLIN, 0 };

			if (poll(&pfd, 1, TIMEOUT_NS / 1000000) == 0)
				die(dev, "flip never completed", -ETIMEDOUT);
			if ((ret = gfx_dispatch(dev, on_flip_event, &s)) < 0)
				die(dev, "dispatch", ret);
		}
	}
	return (double)s.missed;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: gfx-bench [--device SPEC] [--json] [--quick] [--frames N]\n"
		   "  --quick     few iterations (a smoke test, not a measurement)\n"
		   "  --frames N  frames for vblank_missed (default 600)\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "quick", no_argument, NULL, 'q' },
		{ "frames", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *spec = NULL;
	int json = 0, frames = 600, opt, ret;
	struct gfx_device *dev;
	struct gfx_info info;
	struct gfx_bo *screen, *src, *argb, *small, *flip[2];
	struct op_args args;
	double memcpy_ms, pixman_ms, pingpong_us, pixman_fills, v, v2, scale_ms, fence_us;

	while ((opt = getopt_long(argc, argv, "d:jqf:h", options, NULL)) != -1) {
		switch (opt) {
		case 'd': spec = optarg; break;
		case 'j': json = 1; break;
		case 'q': iterations = 3; frames = 30; break;
		case 'f': frames = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (frames < 2)
		frames = 2;

	ret = gfx_open(spec, &dev);
	if (ret < 0) {
		fprintf(stderr, "gfx-bench: cannot open the GPU: %s\n", gfx_last_error(NULL));
		return 1;
	}
	if ((ret = gfx_get_info(dev, &info)) < 0)
		die(dev, "info", ret);

	memcpy_ms = bench_memcpy();
	pixman_ms = bench_pixman_blend();
	pingpong_us = bench_eventfd_pingpong();
	pixman_fills = bench_pixman_small_fills();
	record("memcpy_1080p", memcpy_ms, "ms", NULL, 0);
	record("pixman_small_fills", pixman_fills, "fills/s", NULL, 0);
	record("pixman_blend_1080p", pixman_ms, "ms", NULL, 0);
	record("eventfd_pingpong", pingpong_us, "us", NULL, 0);

	screen = create(dev, W, H, GFX_FMT_XRGB8888, 0xff204060u);
	src = create(dev, W, H, GFX_FMT_XRGB8888, 0xff102030u);
	argb = create(dev, W, H, GFX_FMT_ARGB8888, 0x80402010u);
	small = create(dev, 1280, 720, GFX_FMT_ARGB8888, 0x80402010u);

	args = (struct op_args){ screen, src };
	record("fill_1080p", time_op(dev, emit_fill, &args), "ms", "memcpy_1080p", memcpy_ms);
	record("copy_1080p", time_op(dev, emit_copy, &args), "ms", "memcpy_1080p", memcpy_ms);
	args.src = argb;
	v = time_op(dev, emit_blend, &args);
	record("blend_1080p", v, "ms", "memcpy_1080p", memcpy_ms);
	record("blend_1080p_vs_pixman", v, "ms", "pixman_blend_1080p", pixman_ms);
	args.src = small;
	scale_ms = time_op(dev, emit_scale, &args);
	record("scale_1080p", scale_ms, "ms", "memcpy_1080p", memcpy_ms);
	v = bench_small_fills(dev, screen);
	record("small_fills", v, "fills/s", NULL, 0);
	record("small_fills_vs_pixman", v, "fills/s", "pixman_small_fills", pixman_fills);
	fence_us = bench_fence_roundtrip_n(dev, iterations * 20);
	record("fence_roundtrip", fence_us, "us", "eventfd_pingpong", pingpong_us);
	args.src = src;
	v = bench_long_wait(dev, emit_fill, &args, &v2);
	record("long_wait_cpu", v, "us", "long_wait_wall", v2);
	/* On drm the fd wakes through the job's sync_file (libgfx/src/drm/drm_fence.c). */
	record("fence_roundtrip_event_loop", bench_fence_event_loop(dev), "us", "eventfd_pingpong",
	       pingpong_us);

	gfx_bo_destroy(dev, src);
	gfx_bo_destroy(dev, argb);
	gfx_bo_destroy(dev, small);
	gfx_bo_destroy(dev, screen);
	if ((ret = gfx_finish(dev, TIMEOUT_NS)) < 0)
		die(dev, "finish", ret);
	flip[0] = create(dev, info.width, info.height, GFX_FMT_XRGB8888, 0);
	flip[1] = create(dev, info.width, info.height, GFX_FMT_XRGB8888, 0);
	record("vblank_missed", bench_vblank_missed(dev, flip, frames, info.width, info.height),
	       "vblanks", NULL, 0);
	if (strcmp(info.backend, "drm") != 0 && info.context_count > 1)
		bench_client_flood(dev, flip, frames, fence_us, (double)W * H / scale_ms / 1e3);
	else
		fprintf(stderr, "gfx-bench: the client flood needs client contexts (%s, %u contexts)\n",
			info.backend, info.context_count);

	print_results(json);
	/* Exiting: the buffer on screen may go too, its pixels stay until reused. */
	gfx_bo_destroy(dev, flip[0]);
	gfx_bo_destroy(dev, flip[1]);
	gfx_close(dev);
	return 0;
}
