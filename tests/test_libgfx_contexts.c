/* SPDX-License-Identifier: MIT */
/*
 * test_libgfx_contexts.c - hardware contexts through libgfx: the master
 * hands a client context to another process, which renders with the same
 * API inside its own window (display functions -EPERM, buffers outside the
 * window refused, the device's window check seen as an error of its own);
 * the master sees its fence in the context table and composites its buffer
 * with no copy; a context is handed out again only cleared; the contexts
 * run out with -EBUSY.
 *
 * Each client is a child process (fork) that opens the handle's fds; it
 * reports on a pipe, so every check runs in the parent's harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fixture.h"
#include "gfx.h"
#include "gfx_hw.h"
#include "harness.h"

TEST_STATE_DEFINE;

static struct fixture fx;
static struct gfx_device *dev;
static struct gfx_info info;

/* What a client child tells the parent. */
struct report {
	int step;			/* 0 = all done; else the step that failed */
	int err;
	char msg[200];
	uint32_t context;
	uint32_t window_offset, window_size;
	uint32_t bo_offset, bo_stride;
	uint64_t fence;
	int eperm;			/* display functions that returned -EPERM */
	int outside_refused;		/* gfx_set_dst of a buffer outside the window: -EINVAL */
	int device_refused;		/* a raw SET_SURFACE outside it: the fence wait got -EIO */
	uint64_t allocated;		/* bytes of buffers the window took before -ENOSPC */
};

#define FAIL_AT(n, call) do {						\
	int r_ = (call);						\
	if (r_ < 0) {							\
		rep->step = (n);					\
		rep->err = r_;						\
		snprintf(rep->msg, sizeof(rep->msg), "%s: %s", #call,	\
			 gfx_last_error(c ? c : NULL));			\
		return;							\
	}								\
} while (0)

static int count_eperm(struct gfx_device *c)
{
	struct gfx_bo fake = { .width = info.width, .height = info.height, .stride = info.width * 4,
			       .format = GFX_FMT_XRGB8888 };
	uint64_t s, t;

	return (gfx_flip(c, &fake, 0) == -EPERM) + (gfx_emit_wait_vblank(c) == -EPERM) +
	       (gfx_wait_vblank(c, &s, &t, 100 * MS) == -EPERM) + (gfx_last_vblank(c, &s, &t) == -EPERM) +
	       (gfx_set_vblank_events(c, true) == -EPERM) + (gfx_set_input_events(c, true) == -EPERM);
}

/* The client's work, in the child. */
static void client_body(struct gfx_context_handle *h, struct report *rep)
{
	struct gfx_device *c = NULL;
	struct gfx_info ci;
	struct gfx_bo *bo, outside;
	struct gfx_rect all = { 0, 0, 64, 32 }, spot = { 5, 6, 7, 3 };
	uint64_t seq;

	FAIL_AT(1, gfx_open_context(h, &c));
	FAIL_AT(2, gfx_get_info(c, &ci));
	rep->context = ci.context;
	rep->window_offset = ci.window_offset;
	rep->window_size = ci.window_size;
	FAIL_AT(3, gfx_bo_create(c, 64, 32, GFX_FMT_XRGB8888, &bo));
	rep->bo_offset = bo->offset;
	rep->bo_stride = bo->stride;
	FAIL_AT(4, gfx_set_dst(c, bo));
	FAIL_AT(5, gfx_fill(c, GFX_SRC, 0xff102030u, &all, 1));
	FAIL_AT(6, gfx_fill(c, GFX_SRC, 0xffa0b0c0u, &spot, 1));
	FAIL_AT(7, gfx_fence(c, true, &seq));
	FAIL_AT(8, gfx_fence_wait(c, seq, 5 * SEC));
	rep->fence = seq;
	rep->eperm = count_eperm(c);
	outside = *bo;
	outside.offset = ci.window_offset + ci.window_size;	/* just past the window */
	rep->outside_refused = gfx_set_dst(c, &outside) == -EINVAL;
	/* The same, past libgfx's checks: the device refuses it in this context only. */
	uint32_t raw[6] = { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), outside.offset, 64, 32, 256,
			    GFX_FMT_XRGB8888 };
	FAIL_AT(9, gfx_emit_raw(c, raw, 6));
	FAIL_AT(10, gfx_fence(c, true, &seq));
	rep->device_refused = gfx_fence_wait(c, seq, 5 * SEC) == -EIO &&
			      strstr(gfx_last_error(c), gfx_error_name(GFX_ERR_SURFACE_OOB));
	FAIL_AT(11, gfx_fence_wait(c, seq, 5 * SEC));	/* recovered: the fence passes */
	rep->fence = seq;
	for (struct gfx_bo *b; gfx_bo_create(c, 256, 256, GFX_FMT_XRGB8888, &b) == 0;)
		rep->allocated += b->size;
	gfx_close(c);
}

/* Run client_body in a child with handle h; its report. */
static struct report run_client(struct gfx_context_handle *h)
{
	struct report rep = { .step = -1 };
	int fd[2];
	pid_t pid;

	REQUIRE(pipe(fd) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct report r = { 0 };

		close(fd[0]);
		client_body(h, &r);
		_exit(write(fd[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(fd[1]);
	gfx_context_handle_close(h);	/* the child holds its own copies */
	if (read(fd[0], &rep, sizeof(rep)) != sizeof(rep))
		rep.step = -1;
	close(fd[0]);
	waitpid(pid, NULL, 0);
	return rep;
}

static uint32_t pixel(uint32_t offset, uint32_t stride, int x, int y)
{
	/* The master maps all VRAM: any buffer's pixels through one of its own. */
	static struct gfx_bo *any;

	if (!any && gfx_bo_create(dev, 1, 1, GFX_FMT_XRGB8888, &any) < 0)
		return 0;
	const volatile uint8_t *vram = (const volatile uint8_t *)any->map - any->offset;

	return *(const volatile uint32_t *)(vram + offset + (uint32_t)y * stride + (uint32_t)x * 4) & 0xffffff;
}

static void client_renders_in_its_window(void *arg)
{
	struct gfx_context_handle h;
	struct gfx_context_info ci;
	struct report rep;
	unsigned int bad = 0;

	OK(gfx_context_acquire(dev, &h));
	REQUIRE(h.context >= 1 && h.context < info.context_count, "context %u", h.context);
	uint32_t ctx = h.context;

	rep = run_client(&h);
	REQUIRE(rep.step == 0, "client step %d (%d): %s", rep.step, rep.err, rep.msg);
	OK(gfx_context_info(dev, ctx, &ci));
	CHECK(rep.context == ctx, "the client opened context %u, not %u", rep.context, ctx);
	CHECK(rep.window_offset == ci.window_offset && rep.window_size == ci.window_size);
	CHECK(rep.bo_offset >= ci.window_offset &&
	      rep.bo_offset + 32 * rep.bo_stride <= ci.window_offset + ci.window_size,
	      "buffer 0x%x outside the window", rep.bo_offset);
	CHECK(rep.eperm == 6, "%d of 6 display functions returned -EPERM", rep.eperm);
	CHECK(rep.outside_refused, "libgfx took a buffer outside the window");
	CHECK(rep.device_refused, "the device did not refuse a surface outside the window");
	CHECK(rep.allocated > 0 && rep.allocated <= ci.window_size, "allocated %llu of a %u-byte window",
	      (unsigned long long)rep.allocated, ci.window_size);
	/* The master reads the client's fence in its table: no system call. */
	CHECK(ci.fence_done == rep.fence, "mirror %llu, client's fence %llu",
	      (unsigned long long)ci.fence_done, (unsigned long long)rep.fence);
	CHECK(ci.error_count >= 1 && !(ci.status & GFX_STATUS_RING_ERROR));
	for (int y = 0; y < 32; y++)
		for (int x = 0; x < 64; x++) {
			bool in = x >= 5 && x < 12 && y >= 6 && y < 9;

			bad += pixel(rep.bo_offset, rep.bo_stride, x, y) != (in ? 0xa0b0c0u : 0x102030u);
		}
	CHECK(bad == 0, "%u of the client's pixels are wrong", bad);

	/* Zero copy: the master composites the client's buffer straight from its window. */
	struct gfx_bo client_bo = { .offset = rep.bo_offset, .width = 64, .height = 32,
				    .stride = rep.bo_stride, .format = GFX_FMT_XRGB8888 };
	struct gfx_bo *mine;
	struct gfx_copy_rect cr = { 0, 0, 0, 0, 64, 32 };

	OK(gfx_bo_create(dev, 64, 32, GFX_FMT_XRGB8888, &mine));
	OK(gfx_set_src(dev, &client_bo));
	OK(gfx_set_dst(dev, mine));
	OK(gfx_copy(dev, &cr, 1));
	OK(gfx_finish(dev, 5 * SEC));
	CHECK(pixel(mine->offset, mine->stride, 6, 7) == 0xa0b0c0u &&
	      pixel(mine->offset, mine->stride, 0, 0) == 0x102030u, "the composited copy differs");
	gfx_bo_destroy(dev, mine);
	OK(gfx_context_release(dev, ctx));
}

static void master_info(void *arg)
{
	struct gfx_context_info ci;
	uint64_t clients = 0;

	CHECK(info.context == 0, "gfx_open gave context %u, not the master", info.context);
	CHECK(info.window_offset == GFX_VRAM_START && info.window_offset + (uint64_t)info.window_size ==
	      info.vram_size, "the master's window is not all VRAM");
	for (uint32_t i = 1; i < info.context_count; i++) {
		OK(gfx_context_info(dev, i, &ci));
		clients += ci.window_size;
	}
	/* The master's allocator leaves the client windows to the clients. */
	CHECK(info.vram_free + clients <= info.vram_size - GFX_VRAM_START, "free %llu + windows %llu",
	      (unsigned long long)info.vram_free, (unsigned long long)clients);
}

/* A context comes back cleared: its next holder never sees the last one's pixels. */
static void reacquired_context_is_cleared(void *arg)
{
	struct gfx_context_handle h[GFX_MAX_CONTEXTS];
	struct gfx_context_info ci;
	unsigned int n = 0, nonzero = 0;
	int r;

	/* Take them all: the one used before is among them. */
	while (n < GFX_MAX_CONTEXTS && (r = gfx_context_acquire(dev, &h[n])) == 0)
		n++;
	CHECK(n == info.context_count - 1, "acquired %u of %u client contexts", n, info.context_count - 1);
	CHECK(r == -EBUSY, "one more acquire gave %d, not -EBUSY", r);
	for (unsigned int i = 0; i < n; i++) {
		OK(gfx_context_info(dev, h[i].context, &ci));
		for (uint32_t off = 0; off < ci.window_size; off += 4)
			nonzero += pixel(ci.window_offset + off, 0, 0, 0) != 0;
		OK(gfx_context_release(dev, h[i].context));
		gfx_context_handle_close(&h[i]);
	}
	CHECK(nonzero == 0, "%u words of handed-out windows were not cleared", nonzero);
	/* Released, they can be taken again. */
	OK(gfx_context_acquire(dev, &h[0]));
	OK(gfx_context_release(dev, h[0].context));
	gfx_context_handle_close(&h[0]);
}

/* A bad handle is refused with a message, and its fds are closed. */
static void bad_handle_refused(void *arg)
{
	struct gfx_context_handle h = { .context = 1, .nfds = 2, .fds = { dup(0), dup(0), -1 } };
	int a = h.fds[0], b = h.fds[1];
	struct gfx_device *c;

	CHECK(gfx_open_context(&h, &c) == -EINVAL && !c);
	CHECK(fcntl(a, F_GETFD) < 0 && fcntl(b, F_GETFD) < 0, "the handle's fds were not closed");
	CHECK(strstr(gfx_last_error(NULL), "handle"), "message: %s", gfx_last_error(NULL));
	CHECK(gfx_context_reset(dev, 0) == -EINVAL && gfx_context_reset(dev, info.context_count) == -EINVAL,
	      "resetting the master or a missing context must fail");
}

int main(void)
{
	if (fixture_start(&fx, "--mode 320x240@60") < 0 || !(dev = fixture_open(&fx)) ||
	    gfx_get_info(dev, &info) < 0) {
		printf("FAIL contexts_setup: no device (see stderr)\n");
		fixture_stop(&fx);
		return 1;
	}
	if (!strcmp(info.backend, "drm") || info.context_count < 2) {
		printf("SKIP contexts: the %s device has %u context(s); clients use render nodes on drm\n",
		       info.backend, info.context_count);
	} else {
		run_test("contexts_master_info", master_info, NULL);
		run_test("contexts_client_renders_in_its_window", client_renders_in_its_window, NULL);
		run_test("contexts_reacquired_context_is_cleared", reacquired_context_is_cleared, NULL);
		run_test("contexts_bad_handle_refused", bad_handle_refused, NULL);
	}
	gfx_close(dev);
	fixture_stop(&fx);
	return TEST_EXIT();
}
