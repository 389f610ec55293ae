/* SPDX-License-Identifier: MIT */
/*
 * test_libgfx_faults.c - what goes wrong: every class of bad command (ERROR
 * with the right code and offset, the ring recovers, the next fence
 * signals), lost interrupts, an injected hang (fence timeout, reset,
 * rendering again), the device killed under a client, a second driver.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/fixture.h"
#include "gfx.h"
#include "gfx_hw.h"
#include "harness.h"

TEST_STATE_DEFINE;

static struct fixture fx;
static struct gfx_device *dev;
static struct gfx_bo *bo;	/* 64x64 XRGB, a valid surface */
static bool drm;		/* the kernel validates jobs and owns the ring */
static bool kms;		/* kms, virtio: the CPU runs the commands: no ring, no register page */

static uint32_t px(const struct gfx_bo *b, uint32_t x, uint32_t y)
{
	return *(uint32_t *)((uint8_t *)b->map + y * b->stride + x * 4) & 0xffffff;
}

/* Rendering works: fill a colour, finish, read it back. */
static void check_renders(uint32_t color)
{
	OK(gfx_set_dst(dev, bo));
	OK(gfx_fill(dev, GFX_SRC, color, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
	OK(gfx_finish(dev, 5 * SEC));
	CHECK(px(bo, 63, 63) == (color & 0xffffff), "pixel 0x%x", px(bo, 63, 63));
}

struct seen {
	int errors;
	uint32_t code, offset;
	bool lost;
};

static void on_event(struct gfx_device *d, const struct gfx_event *ev, void *data)
{
	struct seen *s = data;

	if (ev->type == GFX_EVENT_ERROR) {
		s->errors++;
		s->code = ev->error_code;
		s->offset = ev->error_offset;
	} else if (ev->type == GFX_EVENT_DEVICE_LOST) {
		s->lost = true;
	}
}

/* Dispatch until an ERROR event (or 2 s). */
static void wait_error_event(struct seen *s)
{
	for (int i = 0; i < 200 && s->errors == 0; i++) {
		struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

		poll(&p, 1, 10);
		OK(gfx_dispatch(dev, on_event, s));
	}
}

struct bad_cmd {
	const char *name;
	uint32_t code;
	uint32_t words[10];
	unsigned int n;
	bool set_dst;		/* a valid destination first */
	bool alone;		/* submit it alone: its length runs past the tail */
	unsigned int at;	/* index of the failing command's header in words */
	bool kernel_refuses;	/* drm: the kernel's validation refuses the job (-EINVAL) */
};

static uint32_t device_errors(void)
{
	struct gfx_info info;

	REQUIRE(fixture_info(dev, &info) == 0);
	return info.error_count;
}

/*
 * On drm the kernel checks what it must before the ring (opcodes, lengths,
 * surfaces inside their buffers): it refuses such a job whole, and the
 * device never sees it. What only the device checks (rectangles, a clip)
 * fails there: the job's fence carries -EIO and the command's code. On kms
 * the engine refuses every one as it runs, the same way (a FLIP in the
 * stream is an unknown opcode there: the display is the kernel's).
 */
static void bad_command_drm(const struct bad_cmd *c)
{
	struct seen s = { 0 };
	uint32_t errors = device_errors();
	uint64_t seq;
	int r;

	if (c->set_dst)
		OK(gfx_set_dst(dev, bo));
	OK(gfx_submit(dev));
	OK(gfx_emit_raw(dev, c->words, c->n));
	r = gfx_fence(dev, true, &seq);
	if (c->kernel_refuses && !kms) {
		CHECK(r == -EINVAL, "fence = %d (%s)", r, gfx_last_error(dev));
		CHECK(strstr(gfx_last_error(dev), "refused"), "%s", gfx_last_error(dev));
		CHECK(device_errors() == errors, "the device saw the refused job");
	} else {
		uint32_t code = kms && c->code == GFX_ERR_BAD_MODE ? GFX_ERR_BAD_OPCODE : c->code;

		OK(r);
		r = gfx_fence_wait(dev, seq, 2 * SEC);
		CHECK(r == -EIO, "fence wait = %d (%s)", r, gfx_last_error(dev));
		CHECK(strstr(gfx_last_error(dev), gfx_error_name(code)), "%s", gfx_last_error(dev));
		wait_error_event(&s);
		CHECK(s.errors == 1 && s.code == code, "%d ERROR events, code %u", s.errors, s.code);
		CHECK(device_errors() == errors + 1);
	}
	if (c->set_dst)	/* a raw SET_SURFACE may have unset the slot in libgfx */
		OK(gfx_set_dst(dev, bo));
	check_renders(0xff000000 | (uint32_t)rand());
}

static void bad_command(void *arg)
{
	const struct bad_cmd *c = arg;
	struct seen s = { 0 };
	char want[128];
	uint32_t off, errors;
	uint64_t seq;
	int r;

	if (drm || kms) {
		bad_command_drm(c);
		return;
	}
	if (c->set_dst)
		OK(gfx_set_dst(dev, bo));
	OK(gfx_submit(dev));
	/* Where the bad command lands (the ring is at least 4 KiB, so no wrap math here). */
	off = (fixture_reg32(bo, GFX_REG_RING_TAIL) + 4 * c->at) %
	      fixture_reg32(bo, GFX_REG_RING_SIZE);
	errors = fixture_reg32(bo, GFX_REG_ERROR_COUNT);
	OK(gfx_emit_raw(dev, c->words, c->n));
	if (c->alone) {
		OK(gfx_submit(dev));
		wait_error_event(&s);
		REQUIRE(s.errors == 1, "no ERROR event");
	}
	OK(gfx_fence(dev, true, &seq));
	r = gfx_fence_wait(dev, seq, 2 * SEC);
	if (!c->alone) {
		CHECK(r == -EIO, "fence wait = %d (%s)", r, gfx_last_error(dev));
		snprintf(want, sizeof(want), "bad command at ring offset 0x%x: %s", off,
			 gfx_error_name(c->code));
		CHECK(strstr(gfx_last_error(dev), want), "message '%s', expected '%s'",
		      gfx_last_error(dev), want);
		/* The ring was recovered: the same fence now signals. */
		r = gfx_fence_wait(dev, seq, 2 * SEC);
		wait_error_event(&s);
	}
	CHECK(r == 0, "fence after the bad command: %d (%s)", r, gfx_last_error(dev));
	CHECK(s.errors == 1, "%d ERROR events", s.errors);
	CHECK(s.code == c->code, "code %u (%s), expected %u (%s)", s.code, gfx_error_name(s.code),
	      c->code, gfx_error_name(c->code));
	CHECK(s.offset == off, "offset 0x%x, expected 0x%x", s.offset, off);
	CHECK(fixture_reg32(bo, GFX_REG_ERROR_COUNT) == errors + 1);
	/* STATUS is refreshed after the commands run: give it a moment. */
	for (int i = 0; i < 100 && (fixture_reg32(bo, GFX_REG_STATUS) & GFX_STATUS_RING_ERROR); i++)
		usleep(1000);
	CHECK(!(fixture_reg32(bo, GFX_REG_STATUS) & GFX_STATUS_RING_ERROR));
	check_renders(0xff000000 | (uint32_t)rand());
}

/* Commands after a bad one in the same batch still run. */
static void rest_of_batch_runs(void *arg)
{
	/* A rectangle past the 64x64 destination: the device's check on every path. */
	uint32_t bad[4] = { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xffffffff, GFX_PACK(60, 0),
			    GFX_PACK(5, 1) };
	uint32_t errors = device_errors();
	uint64_t seq;

	OK(gfx_set_dst(dev, bo));
	OK(gfx_fill(dev, GFX_SRC, 0xff111111, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
	OK(gfx_emit_raw(dev, bad, 4));
	OK(gfx_fill(dev, GFX_SRC, 0xff222222, &(struct gfx_rect){ 0, 0, 32, 64 }, 1));
	OK(gfx_emit_raw(dev, bad, 4));
	OK(gfx_fill(dev, GFX_SRC, 0xff333333, &(struct gfx_rect){ 0, 0, 16, 64 }, 1));
	OK(gfx_fence(dev, true, &seq));
	for (int i = 0; i < 3; i++)
		if (gfx_fence_wait(dev, seq, 2 * SEC) == 0)
			break;
	CHECK(gfx_fence_done(dev, seq), "%s", gfx_last_error(dev));
	CHECK(px(bo, 0, 0) == 0x333333 && px(bo, 20, 0) == 0x222222 && px(bo, 40, 0) == 0x111111);
	struct seen s = { 0 };
	OK(gfx_dispatch(dev, on_event, &s));
	/* umd: an event per stopped command; drm: a job's fence carries its first error. */
	CHECK(s.errors == (drm ? 1 : 2), "%d ERROR events", s.errors);
	CHECK(device_errors() == errors + 2, "%u device errors, were %u", device_errors(), errors);
}

/* Lost interrupts cost a little time, never a hang. */
static void dropped_interrupts(void *arg)
{
	uint64_t seq;
	int64_t t0;

	if (fixture_no_ctl(&fx))
		SKIP("%s", fixture_no_ctl(&fx));
	REQUIRE(fixture_ctl(&fx, NULL, 0, "drop-irqs 3") == 0);
	for (int i = 0; i < 3; i++) {
		OK(gfx_set_dst(dev, bo));
		/* The fence comes late, so the wait sleeps (drm: big fills, no vblank command). */
		if (drm)
			for (int k = 0; k < 40; k++)
				OK(gfx_fill(dev, GFX_OVER, 0x80402010, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
		else
			OK(gfx_emit_wait_vblank(dev));
		OK(gfx_fence(dev, true, &seq));
		t0 = fixture_now_ns();
		OK(gfx_fence_wait(dev, seq, 3 * SEC));
		/* libgfx re-reads FENCE_DONE every 20 ms; the kernel's hangcheck looks each second. */
		CHECK(fixture_now_ns() - t0 < (drm ? 1500 : 500) * MS, "%lld ms",
		      (long long)((fixture_now_ns() - t0) / MS));
	}
	fixture_ctl(&fx, NULL, 0, "drop-irqs 0");
}

/* Engine resets: RESET_COUNT (umd), hangs the kernel recovered (drm). */
static uint64_t reset_count(void)
{
	struct gfx_info info;

	REQUIRE(fixture_info(dev, &info) == 0);
	return info.reset_count;
}

static void hang_and_reset(void *arg)
{
	uint64_t seq, before;
	char out[256];
	int r;

	if (fixture_no_ctl(&fx))
		SKIP("%s", fixture_no_ctl(&fx));
	check_renders(0xff0000ff);
	before = reset_count();
	REQUIRE(fixture_ctl(&fx, out, sizeof(out), "hang") == 0, "gfx-ctl hang: %s", out);
	OK(gfx_set_dst(dev, bo));
	OK(gfx_fill(dev, GFX_SRC, 0xff00ff00, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
	OK(gfx_fence(dev, true, &seq));
	r = gfx_fence_wait(dev, seq, 300 * MS);
	/*
	 * drm: the kernel's hangcheck looks every second at progress since its
	 * last look, so it may catch the hang within these 300 ms (then the job
	 * failed with -EIO, its error says hang); elsewhere only libgfx resets.
	 */
	CHECK(r == -ETIMEDOUT || (r == -EIO && fixture_is_drm(dev)), "wait = %d", r);
	CHECK(strstr(gfx_last_error(dev), "hang") || strstr(gfx_last_error(dev), "hung"), "%s",
	      gfx_last_error(dev));
	CHECK(px(bo, 0, 0) == 0x0000ff, "the hung engine drew");

	OK(gfx_reset(dev));	/* drm: waits for the kernel's hangcheck, which resets */
	CHECK(reset_count() == before + 1, "%llu resets, were %llu",
	      (unsigned long long)reset_count(), (unsigned long long)before);
	/* Every fence emitted before the reset completes. */
	OK(gfx_fence_wait(dev, seq, 2 * SEC));
	check_renders(0xffff00ff);
	check_renders(0xff00ffff);
}

/* A scribbled RING_TAIL stops the ring with BAD_RING; libgfx restores it. */
static void bad_ring_tail(void *arg)
{
	struct seen s = { 0 };
	uint64_t seq;
	int r;

	if (drm)
		SKIP("the ring registers are the kernel's on drm: no process can scribble on them");
	if (kms)
		SKIP("no ring registers where the CPU runs the commands (kms, virtio)");
	OK(gfx_finish(dev, 2 * SEC));
	__atomic_store_n((uint32_t *)(fixture_regs(bo) + GFX_REG_RING_TAIL), 2, __ATOMIC_RELEASE);
	/* The device notices at its next vblank at the latest. */
	wait_error_event(&s);
	CHECK(s.errors >= 1 && s.code == GFX_ERR_BAD_RING, "%d errors, code %u", s.errors, s.code);
	OK(gfx_fence(dev, true, &seq));
	r = gfx_fence_wait(dev, seq, 2 * SEC);
	if (r == -EIO)
		r = gfx_fence_wait(dev, seq, 2 * SEC);
	CHECK(r == 0, "%d: %s", r, gfx_last_error(dev));
	check_renders(0xff5a5a5a);
}

/* A reset with work queued (no hang needed, so it runs on any device). */
static void reset_with_work_queued(void *arg)
{
	uint64_t seq;

	OK(gfx_set_dst(dev, bo));
	for (int i = 0; i < 200; i++)
		OK(gfx_fill(dev, GFX_SRC, 0xff000000u | (uint32_t)i, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
	OK(gfx_fence(dev, true, &seq));
	OK(gfx_submit(dev));
	OK(gfx_reset(dev));
	OK(gfx_fence_wait(dev, seq, 2 * SEC));
	/* The destination survives the reset: fill without setting it again. */
	OK(gfx_fill(dev, GFX_SRC, 0xff0a0b0c, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
	OK(gfx_finish(dev, 2 * SEC));
	CHECK(px(bo, 10, 10) == 0x0a0b0c, "pixel 0x%x", px(bo, 10, 10));
	check_renders(0xff123456);
}

/* ---- the device killed under a client ---- */

struct killer {
	struct fixture *f;
	int64_t delay_ns;
};

static void *kill_later(void *arg)
{
	struct killer *k = arg;

	usleep((useconds_t)(k->delay_ns / 1000));
	fixture_kill(k->f, SIGKILL);
	return NULL;
}

static void device_killed(void *arg)
{
	bool blocked = arg != NULL;
	struct fixture own;
	struct gfx_device *d;
	struct gfx_bo *b;
	struct seen s = { 0 };
	uint64_t seq;
	int64_t t0;
	int r;

	if (getenv("GFX_DEVICE"))
		SKIP("the device is not ours to kill (GFX_DEVICE is set)");
	REQUIRE(fixture_start_own(&own, "--mode 64x64@60") == 0);
	d = fixture_open(&own);
	if (!d) {
		fixture_stop(&own);
		REQUIRE(d);
	}
	REQUIRE(gfx_bo_create(d, 64, 64, GFX_FMT_XRGB8888, &b) == 0);
	REQUIRE(gfx_set_dst(d, b) == 0);
	REQUIRE(gfx_finish(d, 2 * SEC) == 0);
	if (blocked) {
		/* A client asleep in a fence wait when the device dies. */
		struct killer k = { &own, 200 * MS };
		pthread_t th;

		fixture_ctl(&own, NULL, 0, "hang");
		gfx_fill(d, GFX_SRC, 0xffffffff, &(struct gfx_rect){ 0, 0, 8, 8 }, 1);
		gfx_fence(d, true, &seq);
		pthread_create(&th, NULL, kill_later, &k);
		t0 = fixture_now_ns();
		r = gfx_fence_wait(d, seq, 10 * SEC);
		pthread_join(th, NULL);
	} else {
		fixture_kill(&own, SIGKILL);
		t0 = fixture_now_ns();
		gfx_fill(d, GFX_SRC, 0xffffffff, &(struct gfx_rect){ 0, 0, 8, 8 }, 1);
		r = gfx_finish(d, 10 * SEC);
	}
	CHECK(r == -ENODEV, "wait = %d: %s", r, gfx_last_error(d));
	CHECK(fixture_now_ns() - t0 < 2 * SEC, "took %lld ms", (long long)((fixture_now_ns() - t0) / MS));
	CHECK(strstr(gfx_last_error(d), "device lost"), "%s", gfx_last_error(d));
	/* Everything after fails cleanly; the event loop hears of it once. */
	CHECK(gfx_fill(d, GFX_SRC, 0, &(struct gfx_rect){ 0, 0, 1, 1 }, 1) == -ENODEV);
	CHECK(gfx_submit(d) == -ENODEV);
	CHECK(gfx_finish(d, SEC) == -ENODEV);
	CHECK(gfx_wait_vblank(d, NULL, NULL, SEC) == -ENODEV);
	CHECK(gfx_reset(d) == -ENODEV);
	struct pollfd p = { .fd = gfx_get_fd(d), .events = POLLIN };
	CHECK(poll(&p, 1, 1000) == 1, "the event fd must wake an event loop");
	CHECK(gfx_dispatch(d, on_event, &s) == -ENODEV);
	CHECK(s.lost, "no DEVICE_LOST event");
	gfx_bo_destroy(d, b);
	gfx_close(d);
	fixture_stop(&own);
}

static void second_driver_refused(void *arg)
{
	struct gfx_device *d2 = NULL;
	int r;

	if (strncmp(fx.spec, "direct:", 7))
		SKIP("the direct backend's refusal (GFX_DEVICE=%s)", fx.spec);
	r = gfx_open(fx.spec, &d2);
	CHECK(r == -EBUSY, "second open = %d", r);
	CHECK(d2 == NULL);
	CHECK(strstr(gfx_last_error(NULL), "device busy: another driver is connected"), "%s",
	      gfx_last_error(NULL));
	/* The first driver is unaffected. */
	check_renders(0xff445566);
}

/* Closing and reopening gives a working device again. */
static void reopen(void *arg)
{
	gfx_bo_destroy(dev, bo);
	gfx_close(dev);
	dev = fixture_open(&fx);
	REQUIRE(dev, "reopen failed");
	OK(gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &bo));
	check_renders(0xff778899);
}

int main(void)
{
	static struct bad_cmd cmds[] = {
		{ "surface_in_register_page", GFX_ERR_SURFACE_OOB,
		  { GFX_CMD(GFX_OP_SET_SURFACE, GFX_SURFACE_DST, 6), 0, 16, 16, 64, GFX_FMT_XRGB8888 }, 6, .kernel_refuses = true },
		{ "surface_past_vram", GFX_ERR_SURFACE_OOB,
		  { GFX_CMD(GFX_OP_SET_SURFACE, GFX_SURFACE_SRC, 6), 0x7ffff000, 16, 16, 64, GFX_FMT_XRGB8888 }, 6, .kernel_refuses = true },
		{ "rect_outside_surface", GFX_ERR_RECT_OOB,
		  { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xffffffff, GFX_PACK(60, 0), GFX_PACK(5, 1) }, 4, true },
		{ "copy_rect_outside_surface", GFX_ERR_RECT_OOB,
		  { GFX_CMD(GFX_OP_SET_SURFACE, GFX_SURFACE_SRC, 6), 0, 0, 0, 0, 0,
		    GFX_CMD(GFX_OP_COPY_RECTS, 0, 4), GFX_PACK(0, 0), GFX_PACK(0, 63), GFX_PACK(2, 2) }, 10, true, false, 6, .kernel_refuses = true },
		{ "bad_opcode", GFX_ERR_BAD_OPCODE, { GFX_CMD(0x7f, 0, 2), 0 }, 2, .kernel_refuses = true },
		{ "wrong_length_for_opcode", GFX_ERR_BAD_LENGTH,
		  { GFX_CMD(GFX_OP_SET_SURFACE, 0, 3), 4096, 16 }, 3, .kernel_refuses = true },
		{ "zero_length", GFX_ERR_BAD_LENGTH, { GFX_CMD(GFX_OP_NOP, 0, 0) }, 1, .kernel_refuses = true },
		{ "length_past_tail", GFX_ERR_BAD_LENGTH, { GFX_CMD(GFX_OP_NOP, 0, 200) }, 1, false, true, .kernel_refuses = true },
		{ "length_past_max", GFX_ERR_BAD_LENGTH, { GFX_CMD(GFX_OP_NOP, 0, 0xffff) }, 1, false, true, .kernel_refuses = true },
		{ "zero_size_rect", GFX_ERR_ZERO_SIZE,
		  { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xffffffff, GFX_PACK(1, 1), GFX_PACK(0, 4) }, 4, true },
		{ "zero_size_surface", GFX_ERR_ZERO_SIZE,
		  { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), GFX_VRAM_START, 0, 16, 64, GFX_FMT_XRGB8888 }, 6, .kernel_refuses = true },
		{ "misaligned_stride", GFX_ERR_BAD_STRIDE,
		  { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), GFX_VRAM_START, 16, 16, 66, GFX_FMT_XRGB8888 }, 6, .kernel_refuses = true },
		{ "stride_too_small", GFX_ERR_BAD_STRIDE,
		  { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), GFX_VRAM_START, 16, 16, 32, GFX_FMT_XRGB8888 }, 6, .kernel_refuses = true },
		{ "bad_format", GFX_ERR_BAD_FORMAT,
		  { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), GFX_VRAM_START, 16, 16, 64, GFX_FOURCC('N', 'V', '1', '2') }, 6, .kernel_refuses = true },
		{ "flip_wrong_size", GFX_ERR_BAD_MODE,
		  { GFX_CMD(GFX_OP_FLIP, 0, 8), GFX_VRAM_START, 16, 16, 64, GFX_FMT_XRGB8888, 0, 0 }, 8, .kernel_refuses = true },
	};
	char name[96];

	if (fixture_start(&fx, "--mode 320x240@60") < 0 || !(dev = fixture_open(&fx)) ||
	    gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &bo) < 0) {
		printf("FAIL faults_setup: no device (see stderr)\n");
		fixture_stop(&fx);
		return 1;
	}
	struct gfx_info info;
	gfx_get_info(dev, &info);
	drm = !strcmp(info.backend, "drm");
	kms = !strcmp(info.backend, "kms") || !strcmp(info.backend, "virtio");
	cmds[1].words[1] = (uint32_t)info.vram_size - 512;	/* starts inside, ends outside */
	/* The copy case needs the valid buffer as its source. */
	cmds[3].words[1] = bo->offset;
	cmds[3].words[2] = bo->width;
	cmds[3].words[3] = bo->height;
	cmds[3].words[4] = bo->stride;
	cmds[3].words[5] = bo->format;
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(name, sizeof(name), "bad_command_%s", cmds[i].name);
		run_test(name, bad_command, &cmds[i]);
	}
	run_test("bad_command_rest_of_batch_runs", rest_of_batch_runs, NULL);
	run_test("dropped_interrupts", dropped_interrupts, NULL);
	run_test("hang_detected_then_reset", hang_and_reset, NULL);
	run_test("reset_with_work_queued", reset_with_work_queued, NULL);
	run_test("bad_ring_tail_recovers", bad_ring_tail, NULL);
	run_test("second_driver_refused", second_driver_refused, NULL);
	run_test("reopen", reopen, NULL);
	run_test("device_killed_between_calls", device_killed, NULL);
	run_test("device_killed_during_wait", device_killed, (void *)1);
	gfx_bo_destroy(dev, bo);
	gfx_close(dev);
	fixture_stop(&fx);
	return TEST_EXIT();
}
