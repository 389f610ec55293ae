/* SPDX-License-Identifier: MIT */
/*
 * test_libgfx_clock.c - vblank and flip times are in the caller's
 * CLOCK_MONOTONIC, as DRM's are, whatever clock the device keeps. In a QEMU
 * guest the device runs on the host's clock; these checks fail there unless
 * libgfx translates (libgfx/src/umd/clock.c).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/fixture.h"
#include "gfx.h"
#include "gfx_hw.h"
#include "harness.h"

TEST_STATE_DEFINE;

/* How late a timestamp may be seen: a slow wake-up under TCG, a loaded host. */
#define SLACK (200 * MS)

static struct fixture fx;
static struct gfx_device *dev;

static void vblank_time_is_local(void *arg)
{
	uint64_t seq, t;
	int64_t now;

	/* Several waits: each blocks on an interrupt, which the backend timestamps. */
	for (int i = 0; i < 12; i++)
		REQUIRE(gfx_wait_vblank(dev, &seq, &t, SEC) == 0, "%s", gfx_last_error(dev));
	now = fixture_now_ns();
	CHECK((int64_t)t <= now + 5 * MS && (int64_t)t >= now - SLACK,
	      "vblank %llu at %lld ns, now %lld ns (off by %lld ms)", (unsigned long long)seq,
	      (long long)t, (long long)now, (long long)((int64_t)t - now) / MS);
	REQUIRE(gfx_last_vblank(dev, &seq, &t) == 0);
	CHECK((int64_t)t <= fixture_now_ns() + 5 * MS && (int64_t)t >= now - SLACK,
	      "gfx_last_vblank off by %lld ms", (long long)((int64_t)t - now) / MS);
}

struct flip_seen {
	int done;
	struct gfx_event ev;
};

static void on_event(struct gfx_device *d, const struct gfx_event *ev, void *data)
{
	struct flip_seen *s = data;

	if (ev->type == GFX_EVENT_FLIP_DONE) {
		s->ev = *ev;
		s->done++;
	}
}

static void flip_time_is_local(void *arg)
{
	struct gfx_info info;
	struct gfx_bo *bo;
	struct flip_seen s = { 0 };
	int64_t submitted, seen = 0;

	REQUIRE(gfx_get_info(dev, &info) == 0);
	REQUIRE(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &bo) == 0);
	for (int frame = 0; frame < 6; frame++) {
		int before = s.done;

		REQUIRE(gfx_set_dst(dev, bo) == 0);
		REQUIRE(gfx_fill(dev, GFX_SRC, 0xff000000u | frame * 40,
				 &(struct gfx_rect){ 0, 0, info.width, info.height }, 1) == 0);
		REQUIRE(gfx_flip(dev, bo, frame) == 0);
		submitted = fixture_now_ns();
		REQUIRE(gfx_submit(dev) == 0);
		while (s.done == before) {
			struct pollfd pfd = { gfx_get_fd(dev), POLLIN, 0 };

			REQUIRE(poll(&pfd, 1, 1000) == 1, "no flip event within 1 s");
			REQUIRE(gfx_dispatch(dev, on_event, &s) >= 0, "%s", gfx_last_error(dev));
		}
		seen = fixture_now_ns();
	}
	/* The last flip was latched at a vblank after its submit, before we saw it. */
	CHECK((int64_t)s.ev.time_ns >= submitted - 5 * MS && (int64_t)s.ev.time_ns <= seen + 5 * MS,
	      "flip at %lld ns: submitted %lld, seen %lld (off by %lld ms)",
	      (long long)s.ev.time_ns, (long long)submitted, (long long)seen,
	      (long long)((int64_t)s.ev.time_ns - seen) / MS);
	CHECK(seen - submitted < SLACK + 100 * MS, "flip took %lld ms",
	      (long long)(seen - submitted) / MS);
	gfx_bo_destroy(dev, bo);
	REQUIRE(gfx_finish(dev, SEC) == 0);
}

int main(void)
{
	if (fixture_start(&fx, "--mode 320x240@60") < 0 || !(dev = fixture_open(&fx))) {
		printf("FAIL clock_setup: no device (see stderr)\n");
		fixture_stop(&fx);
		return 1;
	}
	run_test("vblank_time_is_local_clock", vblank_time_is_local, NULL);
	run_test("flip_time_is_local_clock", flip_time_is_local, NULL);
	gfx_close(dev);
	fixture_stop(&fx);
	return TEST_EXIT();
}
