/* SPDX-License-Identifier: MIT */
/*
 * test_libgfx_display.c - vblank and flips: the vblank rate matches the
 * mode, vblank waits and events, flips latch only at vblank (FLIP_LOG and
 * the screenshot agree), and FLIP_DONE events carry sequence, time and
 * user data.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fixture.h"
#include "gfx.h"
#include "gfx_hw.h"
#include "harness.h"

TEST_STATE_DEFINE;

static struct fixture fx;
static struct gfx_device *dev;
static struct gfx_info info;
/* drm, kms: the kernel's display: no register page, no display commands in our ring */
static bool drm;

struct events {
	uint64_t vblanks, last_vblank, gaps;
	int flips;
	struct gfx_event flip[8];
	int inputs;
	struct gfx_event input[16];
	bool record;
	unsigned int nrec;
	uint64_t rec_seq[512], rec_t[512];
};

static void on_event(struct gfx_device *d, const struct gfx_event *ev, void *data)
{
	struct events *e = data;

	if (ev->type == GFX_EVENT_VBLANK) {
		if (e->last_vblank && ev->seq != e->last_vblank + 1)
			e->gaps++;
		e->last_vblank = ev->seq;
		e->vblanks++;
		if (e->record && e->nrec < 512) {
			e->rec_seq[e->nrec] = ev->seq;
			e->rec_t[e->nrec++] = ev->time_ns;
		}
	} else if (ev->type == GFX_EVENT_INPUT && e->inputs < 16) {
		e->input[e->inputs++] = *ev;
	} else if (ev->type == GFX_EVENT_FLIP_DONE && e->flips < 8) {
		e->flip[e->flips++] = *ev;
	}
}

static void pump(struct events *e, int64_t ns)
{
	int64_t end = fixture_now_ns() + ns;

	while (fixture_now_ns() < end) {
		struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

		poll(&p, 1, 5);
		OK(gfx_dispatch(dev, on_event, e));
	}
}

/*
 * The vblank period over 1 s: a least-squares fit of every vblank's device
 * timestamp against its sequence, so one late timer wake-up on a loaded
 * machine does not decide the result; plus a check against the host clock.
 */
static void vblank_rate(void *arg)
{
	struct events e = { .record = true };
	double want = info.refresh_mhz / 1000.0, n, sx = 0, sy = 0, sxx = 0, sxy = 0, hz;
	uint64_t s0, t0, s2, t2;
	int64_t host0;

	OK(gfx_wait_vblank(dev, &s0, &t0, SEC));
	host0 = fixture_now_ns();
	/* Device timestamps are the host's CLOCK_MONOTONIC (not a VM guest's). */
	CHECK(fx.external || (host0 - (int64_t)t0 >= 0 && host0 - (int64_t)t0 < 200 * MS),
	      "vblank time %llu vs now %lld", (unsigned long long)t0, (long long)host0);
	OK(gfx_set_vblank_events(dev, true));
	pump(&e, SEC + 50 * MS);
	OK(gfx_set_vblank_events(dev, false));
	n = e.nrec;
	REQUIRE(n >= want * 0.9, "%u vblank events in 1 s", e.nrec);
	for (unsigned int i = 0; i < e.nrec; i++) {
		double x = (double)(e.rec_seq[i] - e.rec_seq[0]), y = (double)(e.rec_t[i] - e.rec_t[0]);

		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	hz = 1e9 / ((n * sxy - sx * sy) / (n * sxx - sx * sx));
	CHECK(hz > want * 0.99 && hz < want * 1.01, "%.3f Hz, mode %.3f Hz", hz, want);
	/* By the host's clock: vblanks seen over the time we listened. */
	hz = (double)(e.rec_seq[e.nrec - 1] - s0) * 1e9 /
	     (double)((int64_t)e.rec_t[e.nrec - 1] - (int64_t)t0);
	CHECK(hz > want * 0.97 && hz < want * 1.03, "%.3f Hz from first to last", hz);
	/* A wait returns a new vblank, and the last vblank is at least that. */
	OK(gfx_wait_vblank(dev, &s2, &t2, SEC));
	CHECK(s2 > e.rec_seq[e.nrec - 1] && t2 > e.rec_t[e.nrec - 1]);
	OK(gfx_last_vblank(dev, &s0, &t0));
	CHECK(s0 >= s2);
}

static void vblank_events(void *arg)
{
	struct events e = { 0 };
	double frames = info.refresh_mhz / 1000.0 * 0.3;

	OK(gfx_set_vblank_events(dev, true));
	pump(&e, 300 * MS);
	OK(gfx_set_vblank_events(dev, false));
	/* Late dispatches on a loaded machine may miss the last few: never extra ones. */
	CHECK(e.vblanks >= frames * 0.7 && e.vblanks <= frames + 2, "%llu vblank events in 300 ms",
	      (unsigned long long)e.vblanks);
	CHECK(e.gaps == 0, "sequence gaps");
	e.vblanks = 0;
	pump(&e, 100 * MS);
	CHECK(e.vblanks == 0, "vblank events while off");
}

static void flip_times_match_device_log(struct gfx_bo *a, struct gfx_bo *b, struct events *ep);

static uint32_t center(const uint32_t *pixels, uint32_t w, uint32_t h)
{
	return pixels[(h / 2) * w + w / 2] & 0xffffff;
}

static void flip_at_vblank(void *arg)
{
	struct gfx_bo *a, *b;
	struct events e = { 0 };
	uint64_t seq_submit, t;
	uint32_t *shot, w, h;

	OK(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &a));
	OK(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &b));
	OK(gfx_set_dst(dev, a));
	OK(gfx_fill(dev, GFX_SRC, 0xffff0000, &(struct gfx_rect){ 0, 0, info.width, info.height }, 1));
	OK(gfx_set_dst(dev, b));
	OK(gfx_fill(dev, GFX_SRC, 0xff00ff00, &(struct gfx_rect){ 0, 0, info.width, info.height }, 1));
	OK(gfx_flip(dev, a, 0xa));
	OK(gfx_submit(dev));
	for (int i = 0; i < 100 && e.flips == 0; i++)
		pump(&e, 10 * MS);
	REQUIRE(e.flips == 1, "no FLIP_DONE for the first flip");
	CHECK(e.flip[0].user_data == 0xa);
	if (!drm)
		CHECK(fixture_reg32(a, GFX_REG_SCANOUT_OFFSET) == a->offset);

	/* Just after a vblank: the flip to b must not show before the next one. */
	OK(gfx_wait_vblank(dev, &seq_submit, &t, SEC));
	OK(gfx_flip(dev, b, 0xb0000000bull));
	OK(gfx_submit(dev));
	if (!fixture_no_ctl(&fx) && info.refresh_mhz <= 30000) {
		uint64_t now_seq, now_t;

		REQUIRE(fixture_screenshot(&fx, &shot, &w, &h) == 0, "screenshot");
		OK(gfx_last_vblank(dev, &now_seq, &now_t));
		if (now_seq == seq_submit)	/* still the same frame */
			CHECK(center(shot, w, h) == 0xff0000, "new buffer shown before vblank: 0x%06x",
			      center(shot, w, h));
		free(shot);
	}
	for (int i = 0; i < 100 && e.flips == 1; i++)
		pump(&e, 10 * MS);
	REQUIRE(e.flips == 2, "no FLIP_DONE for the second flip");
	CHECK(e.flip[1].user_data == 0xb0000000bull);
	CHECK(e.flip[1].seq > seq_submit, "latched at vblank %llu, submitted after %llu",
	      (unsigned long long)e.flip[1].seq, (unsigned long long)seq_submit);
	CHECK(e.flip[1].time_ns > t);
	if (!drm)
		flip_times_match_device_log(a, b, &e);
	if (!fixture_no_ctl(&fx)) {
		REQUIRE(fixture_screenshot(&fx, &shot, &w, &h) == 0, "screenshot");
		CHECK(w == info.width && h == info.height);
		CHECK(center(shot, w, h) == 0x00ff00, "screen shows 0x%06x after the flip",
		      center(shot, w, h));
		free(shot);
	}
	gfx_bo_destroy(dev, a);
	gfx_bo_destroy(dev, b);
}

/*
 * gfx_flip_damage(): damage that is empty, outside the buffer or missing is
 * refused with EINVAL and flips nothing; good damage flips, also the buffer
 * already on screen (kms: a DIRTYFB or FB_DAMAGE_CLIPS of it), and each flip
 * gets its FLIP_DONE. What the device copies is tests/vm's (QEMU's trace).
 */
static void flip_damage(void *arg)
{
	const struct gfx_rect bad[] = {
		{ -1, 0, 8, 8 }, { 0, 0, 0, 8 }, { 0, 0, 8, 0 },
		{ (int32_t)info.width - 4, 0, 8, 8 }, { 0, (int32_t)info.height - 4, 8, 8 },
		{ 0, 0, info.width + 1, 8 },
	};
	const struct gfx_rect good[2] = { { 10, 20, 30, 40 }, { 0, 0, info.width, info.height } };
	struct events e = { 0 };
	struct gfx_bo *a;

	OK(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &a));
	OK(gfx_set_dst(dev, a));
	OK(gfx_fill(dev, GFX_SRC, 0xff336699, &good[1], 1));
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(gfx_flip_damage(dev, a, &bad[i], 1, 0xbad) == -EINVAL, "bad damage %u", i);
	CHECK(gfx_flip_damage(dev, a, NULL, 1, 0xbad) == -EINVAL);
	OK(gfx_flip_damage(dev, a, good, 2, 0xd1));
	OK(gfx_submit(dev));
	for (int i = 0; i < 100 && e.flips < 1; i++)
		pump(&e, 10 * MS);
	OK(gfx_fill(dev, GFX_SRC, 0xffcc3300, &good[0], 1));
	OK(gfx_flip_damage(dev, a, good, 1, 0xd2));	/* the buffer on screen */
	OK(gfx_submit(dev));
	for (int i = 0; i < 100 && e.flips < 2; i++)
		pump(&e, 10 * MS);
	REQUIRE(e.flips == 2, "%d FLIP_DONE events for two flips", e.flips);
	CHECK(e.flip[0].user_data == 0xd1 && e.flip[1].user_data == 0xd2,
	      "flips 0x%llx, 0x%llx: a refused flip was shown?",
	      (unsigned long long)e.flip[0].user_data, (unsigned long long)e.flip[1].user_data);
	if (!fixture_no_ctl(&fx)) {
		uint32_t *shot, w, h;

		REQUIRE(fixture_screenshot(&fx, &shot, &w, &h) == 0, "screenshot");
		CHECK((shot[25 * w + 15] & 0xffffff) == 0xcc3300 &&
		      (shot[(h / 2) * w + w / 2] & 0xffffff) == 0x336699);
		free(shot);
	}
	gfx_bo_destroy(dev, a);
}

/*
 * The user-mode driver's view of the same flip: the scanout register, and
 * event times that step exactly as the device's vblank log does.
 */
static void flip_times_match_device_log(struct gfx_bo *a, struct gfx_bo *b, struct events *ep)
{
	struct events e = *ep;

	CHECK(fixture_reg32(a, GFX_REG_SCANOUT_OFFSET) == b->offset);
	/*
	 * The event's time is the latching vblank's time, in our clock: the
	 * device's own on the direct backend, translated on uio (clock.c), where
	 * event times must still step exactly as the device's vblank times do.
	 */
	const struct gfx_vblank_entry *log =
		(const struct gfx_vblank_entry *)(fixture_regs(a) + GFX_REG_VBLANK_LOG);
	const struct gfx_vblank_entry *v = &log[e.flip[1].seq % GFX_LOG_ENTRIES];
	const struct gfx_vblank_entry *v0 = &log[e.flip[0].seq % GFX_LOG_ENTRIES];
	if (v->seq == e.flip[1].seq && !strcmp(info.backend, "direct"))
		CHECK(v->time_ns == e.flip[1].time_ns);
	if (v->seq == e.flip[1].seq && v0->seq == e.flip[0].seq) {
		int64_t step = (int64_t)(e.flip[1].time_ns - e.flip[0].time_ns) -
			       (int64_t)(v->time_ns - v0->time_ns);

		CHECK(step > -5 * MS && step < 5 * MS, "event times drift from the device's by %lld us",
		      (long long)step / 1000);
	}
}

/* Back-to-back flips: one per vblank, each reported once, none lost. */
static void flip_sequence(void *arg)
{
	struct gfx_bo *fb[2];
	struct events e = { 0 };

	OK(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &fb[0]));
	OK(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &fb[1]));
	for (int i = 0; i < 6; i++) {
		OK(gfx_set_dst(dev, fb[i & 1]));
		OK(gfx_fill(dev, GFX_SRC, 0xff000000u | (uint32_t)i * 40,
			    &(struct gfx_rect){ 0, 0, info.width, info.height }, 1));
		OK(gfx_flip(dev, fb[i & 1], (uint64_t)i));
	}
	OK(gfx_submit(dev));
	for (int i = 0; i < 200 && e.flips < 6; i++)
		pump(&e, 10 * MS);
	REQUIRE(e.flips == 6, "%d FLIP_DONE events", e.flips);
	for (int i = 0; i < 6; i++) {
		CHECK(e.flip[i].user_data == (uint64_t)i);
		if (i)
			CHECK(e.flip[i].seq > e.flip[i - 1].seq, "two flips latched at one vblank");
	}
	OK(gfx_finish(dev, SEC));
	gfx_bo_destroy(dev, fb[0]);
	gfx_bo_destroy(dev, fb[1]);
}

/* WAIT_VBLANK stalls the ring until the next vblank. */
static void wait_vblank_command(void *arg)
{
	uint64_t s0, t0, s1, t1, seq;

	if (drm) {
		CHECK(gfx_emit_wait_vblank(dev) == -EOPNOTSUPP, "%s took a WAIT_VBLANK command",
		      info.backend);
		SKIP("no WAIT_VBLANK command on %s: the kernel or the CPU drives the display",
		     info.backend);
	}
	OK(gfx_finish(dev, SEC));
	OK(gfx_last_vblank(dev, &s0, &t0));
	OK(gfx_emit_wait_vblank(dev));
	OK(gfx_emit_wait_vblank(dev));
	OK(gfx_fence(dev, true, &seq));
	OK(gfx_fence_wait(dev, seq, SEC));
	OK(gfx_last_vblank(dev, &s1, &t1));
	CHECK(s1 >= s0 + 2, "vblank %llu -> %llu", (unsigned long long)s0, (unsigned long long)s1);
}

static bool fd_readable(int timeout_ms)
{
	struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1;
}

/*
 * A wait that takes the interrupt of a FLIP_DONE still wakes the event
 * loop (libgfx pokes its private eventfd), dispatch reports the flip, and
 * afterwards the fd is quiet again (the poke was consumed, not left behind
 * to spin the loop).
 */
static void flip_done_taken_by_a_wait(void *arg)
{
	struct gfx_bo *fb;
	struct events e = { 0 };
	uint64_t seq;
	int quiet;

	OK(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &fb));
	OK(gfx_set_dst(dev, fb));
	OK(gfx_fill(dev, GFX_SRC, 0xff203040, &(struct gfx_rect){ 0, 0, info.width, info.height }, 1));
	OK(gfx_finish(dev, SEC));
	pump(&e, 30 * MS);	/* nothing older pending */
	e.flips = 0;
	OK(gfx_flip(dev, fb, 0x5eed));
	OK(gfx_submit(dev));
	/*
	 * Vblank waits until the flip latched (usually at the first; a loaded
	 * host may be late): its interrupt is taken by a wait. On drm two waits;
	 * there is no scanout register to look at.
	 */
	for (int i = 0; i < (drm ? 2 : 60); i++) {
		OK(gfx_wait_vblank(dev, &seq, NULL, SEC));
		if (i >= 1 && !drm && fixture_reg32(fb, GFX_REG_SCANOUT_OFFSET) == fb->offset)
			break;
	}
	if (!drm)
		REQUIRE(fixture_reg32(fb, GFX_REG_SCANOUT_OFFSET) == fb->offset, "the flip did not latch");
	CHECK(fd_readable(100), "the event fd does not wake the loop for the flip a wait took");
	OK(gfx_dispatch(dev, on_event, &e));
	CHECK(e.flips == 1 && e.flip[0].user_data == 0x5eed, "%d FLIP_DONE events", e.flips);
	/* Quiet again; a stray interrupt may still come in, but not forever. */
	for (quiet = 0; quiet < 4 && fd_readable(0); quiet++)
		OK(gfx_dispatch(dev, on_event, &e));
	CHECK(quiet < 4, "the event fd stays readable after dispatch");
	CHECK(e.flips == 1, "%d FLIP_DONE events", e.flips);
	gfx_bo_destroy(dev, fb);
}

/* The device's input FIFO arrives as evdev events, each batch ending in SYN_REPORT. */
static void input_events(void *arg)
{
	struct events e = { 0 };
	static const uint16_t want[][3] = {
		{ 1, 30, 1 }, { 0, 0, 0 },			/* EV_KEY KEY_A down, SYN */
		{ 3, 0, 10 }, { 3, 1, 20 }, { 0, 0, 0 },	/* EV_ABS X, Y, SYN */
	};

	if (drm) {
		CHECK(gfx_set_input_events(dev, true) == -EOPNOTSUPP, "%s claims an input FIFO",
		      info.backend);
		SKIP("no input FIFO on %s: not our GPU; input comes from evdev", info.backend);
	}
	if (fixture_no_ctl(&fx))
		SKIP("%s", fixture_no_ctl(&fx));
	/* Off: nothing is reported, and nothing from before comes later. */
	REQUIRE(fixture_ctl(&fx, NULL, 0, "key 30 0") == 0);
	pump(&e, 50 * MS);
	CHECK(e.inputs == 0);
	OK(gfx_set_input_events(dev, true));
	REQUIRE(fixture_ctl(&fx, NULL, 0, "key 30 1") == 0);
	REQUIRE(fixture_ctl(&fx, NULL, 0, "pointer 10 20") == 0);
	for (int i = 0; i < 50 && e.inputs < 5; i++)
		pump(&e, 10 * MS);
	OK(gfx_set_input_events(dev, false));
	REQUIRE(e.inputs == 5, "%d input events", e.inputs);
	for (int i = 0; i < 5; i++)
		CHECK(e.input[i].input_type == want[i][0] && e.input[i].input_code == want[i][1] &&
		      e.input[i].input_value == want[i][2], "event %d: %u %u %d", i,
		      e.input[i].input_type, e.input[i].input_code, e.input[i].input_value);
}

static const struct {
	const char *name;
	void (*fn)(void *);
} cases[] = {
	{ "vblank_rate", vblank_rate },
	{ "vblank_events", vblank_events },
	{ "flip_at_vblank", flip_at_vblank },
	{ "flip_damage", flip_damage },
	{ "flip_sequence", flip_sequence },
	{ "wait_vblank_command", wait_vblank_command },
	{ "flip_done_taken_by_a_wait", flip_done_taken_by_a_wait },
	{ "input_events", input_events },
};

/* Every case, on a device in the given mode, named PREFIX_CASE. */
static void run_on(const char *mode, const char *prefix)
{
	char name[96];

	if (fixture_start(&fx, mode) < 0 || !(dev = fixture_open(&fx)) ||
	    gfx_get_info(dev, &info) < 0) {
		printf("FAIL %s_setup: no device (see stderr)\n", prefix);
		test_state.total_failed++;
		fixture_stop(&fx);
		return;
	}
	drm = !fixture_has_regs(dev);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%s_%s", prefix, cases[i].name);
		run_test(name, cases[i].fn, NULL);
	}
	gfx_close(dev);
	fixture_stop(&fx);
}

int main(void)
{
	run_on("--mode 320x240@60", "display_60hz");
	if (!getenv("GFX_DEVICE"))
		run_on("--mode 160x120@20", "display_20hz");
	return TEST_EXIT();
}
