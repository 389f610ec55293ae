// SPDX-License-Identifier: MIT
/*
 * test_device_contexts.c - the GPU's hardware contexts (version 2), end to
 * end at the protocol level, without libgfx.
 *
 * One gfx-device with the default 8 contexts: each context's identity and
 * window, its own vector both ways, its own engine state, pixel-exact
 * rendering in every context at once, the window enforced on every ring
 * and surface of a client (checked against a hash of all VRAM outside the
 * offender's window), privileged commands, faults and hangs confined to
 * their context, the master's CTX_RESET and its context table, preempted
 * drawing identical to unpreempted drawing, and the quiesce of every
 * context when the driver leaves.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "common/devproto.h"

TEST_STATE_DEFINE;

#define VRAM_MIB	64		/* client windows of 2 MiB */
#define CONTEXTS	8		/* gfx-device's default */
#define MODE_W		320
#define MODE_H		240
#define RING_SIZE	4096u
#define X		GFX_FMT_XRGB8888
#define A		GFX_FMT_ARGB8888

static struct dp_device dev;
static struct dp_ctx ctx[CONTEXTS];
static uint32_t win_off[CONTEXTS], win_size[CONTEXTS];

/* A client's surfaces start after its ring, at the start of its window. */
static uint32_t surf(unsigned int i)
{
	return win_off[i] + RING_SIZE;
}

/* The master's surfaces: in VRAM below the client windows, after its ring. */
#define MASTER_RING	GFX_VRAM_START
#define MASTER_SURF	0x100000u

static const struct gfx_ctx_entry *table(unsigned int i)
{
	return (const struct gfx_ctx_entry *)(const void *)(dev.bar2 + GFX_REG_CTX_TABLE) + i;
}

/* FNV-1a over BAR2 [lo, hi). */
static uint64_t hash(uint64_t lo, uint64_t hi)
{
	uint64_t h = 1469598103934665603ull;

	for (uint64_t i = lo; i < hi; i++)
		h = (h ^ dev.bar2[i]) * 1099511628211ull;
	return h;
}

/*
 * All VRAM outside context i's window but the other contexts' rings (the
 * bystanders keep running: their fences go there). Rings sit at the start
 * of each window, the master's at the start of VRAM.
 */
static uint64_t hash_outside(unsigned int i)
{
	uint64_t h = hash(MASTER_RING + RING_SIZE, win_off[1]);

	for (unsigned int k = 1; k < CONTEXTS; k++)
		if (k != i)
			h = h * 31 + hash(win_off[k] + RING_SIZE, (uint64_t)win_off[k] + win_size[k]);
	return h;
}

static void fill(struct dp_ctx *c, uint32_t color, int x, int y, int w, int h)
{
	uint32_t cmd[4] = { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), color, GFX_PACK(x, y), GFX_PACK(w, h) };

	dp_emit(c, cmd, 4);
}

static uint32_t pixel(uint32_t off, uint32_t stride, int x, int y)
{
	return *(volatile uint32_t *)(dev.bar2 + off + (uint32_t)y * stride + (uint32_t)x * 4);
}

/* An error stops only c's ring; returns after checking code and offset, then skips it. */
static void expect_error(struct dp_ctx *c, const uint32_t *w, unsigned int n, uint32_t code)
{
	uint32_t errors = dp_rd(c, GFX_REG_ERROR_COUNT), at, bit = GFX_CTRL_SKIP;

	atomic_exchange(dp_r32(c, GFX_REG_IRQ_CAUSE), 0);
	at = dp_emit(c, w, n);
	REQUIRE(dp_wait_status(c, GFX_STATUS_RING_ERROR, 2000), "context %u did not stop (code %u expected)",
		c->id, code);
	CHECK(dp_rd(c, GFX_REG_ERROR_CODE) == code, "context %u: code %u, expected %u", c->id,
	      dp_rd(c, GFX_REG_ERROR_CODE), code);
	CHECK(dp_rd(c, GFX_REG_ERROR_OFFSET) == at);
	CHECK(dp_rd(c, GFX_REG_ERROR_COUNT) == errors + 1);
	CHECK(atomic_load(dp_r32(c, GFX_REG_IRQ_CAUSE)) & GFX_IRQ_ERROR);
	/* The master sees it in its table. */
	CHECK(table(c->id)->error_count == errors + 1 && table(c->id)->error_code == code &&
	      (table(c->id)->status & GFX_STATUS_RING_ERROR), "table: count %u code %u status 0x%x",
	      table(c->id)->error_count, table(c->id)->error_code, table(c->id)->status);
	atomic_fetch_or(dp_r32(c, GFX_REG_CONTROL), bit);
	dp_kick(c);
	for (int i = 0; i < 10000 && (dp_rd(c, GFX_REG_CONTROL) & bit); i++)
		usleep(200);
	CHECK(dp_finish(c, 2000), "context %u did not recover", c->id);
}

/* ---- cases ---- */

static void test_identity(void *arg)
{
	uint64_t vram = (uint64_t)VRAM_MIB << 20;

	for (unsigned int i = 0; i < CONTEXTS; i++) {
		struct dp_ctx *c = &ctx[i];

		CHECK(dp_rd(c, GFX_REG_MAGIC) == GFX_MAGIC && dp_rd(c, GFX_REG_VERSION) == GFX_VERSION,
		      "context %u identity", i);
		CHECK(dp_rd(c, GFX_REG_CONTEXT_ID) == i && dp_rd(c, GFX_REG_CONTEXT_COUNT) == CONTEXTS);
		CHECK(dp_rd64(c, GFX_REG_VRAM_SIZE) == vram && dp_rd(c, GFX_REG_FORMAT_COUNT) == 5);
		CHECK(win_off[i] % 4096 == 0 && win_size[i] % 4096 == 0 && win_off[i] >= GFX_VRAM_START &&
		      (uint64_t)win_off[i] + win_size[i] <= vram, "context %u window 0x%x+0x%x", i,
		      win_off[i], win_size[i]);
		CHECK(table(i)->window_offset == win_off[i] && table(i)->window_size == win_size[i]);
		if (i == 0)
			continue;
		/* Client windows: disjoint, and none holds another context's register page. */
		for (unsigned int j = 1; j < i; j++)
			CHECK(win_off[i] >= win_off[j] + win_size[j] || win_off[j] >= win_off[i] + win_size[i],
			      "windows %u and %u overlap", i, j);
		/* The display and the input FIFO are the master's: zero in a client's page. */
		CHECK(dp_rd64(c, GFX_REG_VBLANK_SEQ) == 0 && dp_rd64(c, GFX_REG_INPUT_COUNT) == 0 &&
		      dp_rd(c, GFX_REG_SCANOUT_OFFSET) == 0);
	}
	CHECK(win_off[0] == GFX_VRAM_START && win_off[0] + (uint64_t)win_size[0] == vram,
	      "the master's window is all VRAM");
	/* Pages past CONTEXT_COUNT are reserved: zero. */
	for (unsigned int i = CONTEXTS; i < GFX_MAX_CONTEXTS; i++)
		CHECK(*(uint32_t *)(dev.bar2 + GFX_CTX_PAGE(i) + GFX_REG_MAGIC) == 0);
}

/* Each context renders into its own memory at the same time; every pixel as asked. */
static void test_parallel_rendering(void *arg)
{
	uint64_t seq[CONTEXTS];

	for (unsigned int i = 0; i < CONTEXTS; i++) {
		uint32_t off = i ? surf(i) : MASTER_SURF;

		dp_set_surface(&ctx[i], GFX_SURFACE_DST, off, 64, 32, 256, X);
		fill(&ctx[i], 0xff000000u | (i * 0x101010u), 0, 0, 64, 32);
		fill(&ctx[i], 0xff0000ffu + i, 3 + (int)i, 5, 7, 2);
	}
	for (unsigned int i = 0; i < CONTEXTS; i++)
		seq[i] = dp_fence(&ctx[i], false);
	for (unsigned int i = 0; i < CONTEXTS; i++) {
		uint32_t off = i ? surf(i) : MASTER_SURF, bad = 0;

		REQUIRE(dp_wait_fence(&ctx[i], seq[i], 2000), "context %u did not finish", i);
		CHECK(table(i)->fence_done == seq[i], "the master's mirror of context %u: %llu, not %llu", i,
		      (unsigned long long)table(i)->fence_done, (unsigned long long)seq[i]);
		for (int y = 0; y < 32; y++)
			for (int x = 0; x < 64; x++) {
				bool in = x >= 3 + (int)i && x < 10 + (int)i && y >= 5 && y < 7;
				uint32_t want = in ? 0xff0000ffu + i : 0xff000000u | (i * 0x101010u);

				bad += (pixel(off, 256, x, y) & 0xffffff) != (want & 0xffffff);
			}
		CHECK(bad == 0, "context %u: %u pixels wrong", i, bad);
	}
}

/* Surfaces and clip belong to a context: another context's SET_SURFACE does not give it one. */
static void test_engine_state_per_context(void *arg)
{
	uint32_t no_dst[4] = { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0, 0, GFX_PACK(1, 1) };

	dp_reset(&ctx[2]);
	dp_set_surface(&ctx[1], GFX_SURFACE_DST, surf(1), 16, 16, 64, X);
	REQUIRE(dp_finish(&ctx[1], 2000));
	expect_error(&ctx[2], no_dst, 4, GFX_ERR_NO_SURFACE);
	/* A clip in context 1 does not clip context 3. */
	uint32_t clip[3] = { GFX_CMD(GFX_OP_SET_CLIP, 0, 3), 0, GFX_PACK(1, 1) };

	dp_emit(&ctx[1], clip, 3);
	dp_set_surface(&ctx[3], GFX_SURFACE_DST, surf(3), 16, 16, 64, X);
	fill(&ctx[3], 0xff445566, 0, 0, 16, 16);
	REQUIRE(dp_finish(&ctx[1], 2000) && dp_finish(&ctx[3], 2000));
	CHECK((pixel(surf(3), 64, 15, 15) & 0xffffff) == 0x445566, "context 3 was clipped by context 1");
	uint32_t off[1] = { GFX_CMD(GFX_OP_SET_CLIP, 0, 1) };
	dp_emit(&ctx[1], off, 1);
	CHECK(dp_finish(&ctx[1], 2000));
}

/* Every way out of a client's window: its own error, nothing outside changes. */
static void test_window_enforced(void *arg)
{
	struct dp_ctx *c = &ctx[1];
	uint32_t lo = win_off[1], hi = win_off[1] + win_size[1], vram = VRAM_MIB << 20;
	struct { const char *name; uint32_t w[8]; unsigned int n; uint32_t code; } cases[] = {
		{ "another client's window", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), surf(2), 16, 16, 64, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "the master's memory", { GFX_CMD(GFX_OP_SET_SURFACE, 1, 6), MASTER_SURF, 16, 16, 64, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "the register area", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), GFX_CTX_PAGE(1), 16, 16, 64, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "beyond VRAM", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), vram, 16, 16, 64, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "offset wraps", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), 0xfffff000u, 1024, 1024, 4096, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "straddles the window's end", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), hi - 4096, 64, 64, 256, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "just below the window", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), lo - 256, 64, 1, 256, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "flip", { GFX_CMD(GFX_OP_FLIP, 0, 8), surf(1), MODE_W, MODE_H, MODE_W * 4, X, 0, 0 }, 8, GFX_ERR_PRIVILEGED },
		{ "wait for vblank", { GFX_CMD(GFX_OP_WAIT_VBLANK, 0, 1) }, 1, GFX_ERR_PRIVILEGED },
	};
	uint64_t before = hash_outside(1);
	uint32_t master_errors = dp_rd(&ctx[0], GFX_REG_ERROR_COUNT), e2 = dp_rd(&ctx[2], GFX_REG_ERROR_COUNT);

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fprintf(stderr, "  out of the window: %s\n", cases[i].name);
		expect_error(c, cases[i].w, cases[i].n, cases[i].code);
		/* Meanwhile the master and another client carry on. */
		CHECK(dp_finish(&ctx[0], 2000) && dp_finish(&ctx[2], 2000), "a bystander stalled (%s)",
		      cases[i].name);
		if (test_state.failed)
			test_note("case '%s'", cases[i].name);
	}
	CHECK(hash_outside(1) == before, "memory outside context 1's window changed");
	CHECK(dp_rd(&ctx[0], GFX_REG_ERROR_COUNT) == master_errors &&
	      dp_rd(&ctx[2], GFX_REG_ERROR_COUNT) == e2, "another context counted an error");
}

/* A client's ring must lie in its window too: BAD_RING, and the device never fetches outside. */
static void test_ring_outside_window(void *arg)
{
	struct dp_ctx *c = &ctx[4];
	uint32_t hi = win_off[4] + win_size[4];
	struct { uint32_t base, size; } rings[] = {
		{ MASTER_RING, RING_SIZE }, { win_off[5], RING_SIZE }, { hi - 4096, 8192 },
		{ GFX_CTX_PAGE(4), RING_SIZE }, { win_off[4], win_size[4] * 2 },
	};
	uint64_t before = hash_outside(4);

	for (unsigned int i = 0; i < sizeof(rings) / sizeof(rings[0]); i++) {
		uint32_t errors = dp_rd(c, GFX_REG_ERROR_COUNT);

		dp_wr(c, GFX_REG_RING_BASE, rings[i].base);
		dp_wr(c, GFX_REG_RING_SIZE, rings[i].size);
		dp_wr(c, GFX_REG_RING_TAIL, 12);
		/* RESET latches the new ring registers and clears the last error. */
		atomic_fetch_or(dp_r32(c, GFX_REG_CONTROL), GFX_CTRL_RING_ENABLE | GFX_CTRL_RESET);
		dp_kick(c);
		for (int k = 0; k < 10000 && dp_rd(c, GFX_REG_ERROR_COUNT) == errors; k++)
			usleep(200);
		CHECK(dp_rd(c, GFX_REG_ERROR_COUNT) == errors + 1 &&
		      dp_rd(c, GFX_REG_ERROR_CODE) == GFX_ERR_BAD_RING &&
		      (dp_rd(c, GFX_REG_STATUS) & GFX_STATUS_RING_ERROR), "ring 0x%x+0x%x: code %u",
		      rings[i].base, rings[i].size, dp_rd(c, GFX_REG_ERROR_CODE));
		CHECK(dp_finish(&ctx[0], 2000), "the master stalled");
	}
	CHECK(hash_outside(4) == before, "memory outside context 4's window changed");
	dp_ring_start(c);
	dp_reset(c);
	CHECK(dp_finish(c, 2000), "context 4 did not come back with its ring in its window");
}

/* Interrupts go to the context's own vector; a doorbell on vector n runs context n. */
static void test_vectors(void *arg)
{
	struct pollfd pfd[CONTEXTS];
	uint64_t s;

	for (unsigned int i = 0; i < CONTEXTS; i++) {
		dp_wr(&ctx[i], GFX_REG_IRQ_ENABLE, GFX_IRQ_FENCE | GFX_IRQ_ERROR);
		dp_kick(&ctx[i]);
	}
	usleep(20000);
	for (unsigned int i = 0; i < CONTEXTS; i++) {
		atomic_exchange(dp_r32(&ctx[i], GFX_REG_IRQ_CAUSE), 0);
		dp_drain_irq(&ctx[i]);
		pfd[i] = (struct pollfd){ ctx[i].irq_fd, POLLIN, 0 };
	}
	s = dp_fence(&ctx[5], true);
	REQUIRE(dp_wait_fence(&ctx[5], s, 2000));
	CHECK(poll(&pfd[5], 1, 2000) == 1, "no interrupt on vector 5");
	CHECK(atomic_load(dp_r32(&ctx[5], GFX_REG_IRQ_CAUSE)) & GFX_IRQ_FENCE);
	usleep(20000);
	for (unsigned int i = 0; i < CONTEXTS; i++) {
		if (i == 5)
			continue;
		CHECK(poll(&pfd[i], 1, 0) == 0, "vector %u rang for context 5's fence", i);
		CHECK(!(atomic_load(dp_r32(&ctx[i], GFX_REG_IRQ_CAUSE)) & GFX_IRQ_FENCE),
		      "context %u got context 5's cause", i);
	}
	/* IRQ_MASTER is per context: off in context 6 silences only vector 6. */
	dp_wr(&ctx[6], GFX_REG_IRQ_MASTER, 0);
	dp_kick(&ctx[6]);
	usleep(5000);
	dp_drain_irq(&ctx[6]);
	dp_drain_irq(&ctx[7]);
	s = dp_fence(&ctx[6], true);
	dp_fence(&ctx[7], true);
	REQUIRE(dp_wait_fence(&ctx[6], s, 2000));
	CHECK(poll(&pfd[7], 1, 2000) == 1, "vector 7 silent");
	CHECK(poll(&pfd[6], 1, 50) == 0, "vector 6 rang with its IRQ_MASTER off");
	dp_wr(&ctx[6], GFX_REG_IRQ_MASTER, 1);
	dp_kick(&ctx[6]);
	CHECK(poll(&pfd[6], 1, 2000) == 1, "the pending cause was not delivered on vector 6");
}

/* A hang stops only its context; the master resets it with CTX_RESET. */
static void test_hang_confined(void *arg)
{
	struct dp_ctx *c = &ctx[2];
	uint32_t resets = dp_rd(c, GFX_REG_RESET_COUNT);
	uint64_t s;

	REQUIRE(dp_ctl(&dev, "hang 2") == 0);
	s = dp_fence(c, false);
	for (int k = 0; k < 3; k++)
		CHECK(dp_finish(&ctx[0], 2000) && dp_finish(&ctx[1], 2000) && dp_finish(&ctx[3], 2000),
		      "a bystander stalled while context 2 hangs");
	CHECK(!dp_wait_fence(c, s, 100), "a hung context completed a fence");
	/* A client cannot reset anyone with its own page's CTX_RESET: it is not a register there. */
	dp_wr(&ctx[3], GFX_REG_CTX_RESET, 1u << 2);
	dp_kick(&ctx[3]);
	usleep(20000);
	CHECK(dp_rd(c, GFX_REG_RESET_COUNT) == resets, "a client reset context 2");
	/* The master's CTX_RESET does; the device clears the bit when done. */
	atomic_fetch_or(dp_r32(&ctx[0], GFX_REG_CTX_RESET), 1u << 2);
	dp_kick(&ctx[0]);
	for (int i = 0; i < 10000 && dp_rd(&ctx[0], GFX_REG_CTX_RESET); i++)
		usleep(200);
	CHECK(dp_rd(&ctx[0], GFX_REG_CTX_RESET) == 0, "CTX_RESET not cleared");
	CHECK(dp_rd(c, GFX_REG_RESET_COUNT) == resets + 1 && table(2)->reset_count == resets + 1);
	c->tail = dp_rd(c, GFX_REG_RING_TAIL);
	CHECK(dp_finish(c, 2000), "context 2 did not run after the master reset it");
}

/* Drawing cut at preemption points, with the master running in between, is the same drawing. */
static void test_preempted_stretch_exact(void *arg)
{
	const uint32_t sw = 64, sh = 64, dw = 1024, dh = 600, stride = dw * 2;	/* 614 K pixels */
	const uint32_t R = GFX_FMT_RGB565;
	uint32_t src1 = surf(1), dst1 = src1 + sw * sh * 4, srcm = MASTER_SURF, dstm = srcm + sw * sh * 4;
	uint32_t blit[9] = { GFX_CMD(GFX_OP_STRETCH_BLIT, GFX_FLAG_BILINEAR | GFX_FLAG_OVER, 9), 0, 0,
			     sw << 16, sh << 16, 0, GFX_PACK(dw, dh), 200, 0 };
	uint64_t s1, sm;
	int during = 0;

	REQUIRE(dst1 + dh * stride <= win_off[1] + win_size[1], "window too small for the case");
	for (uint32_t i = 0; i < sw * sh; i++) {
		uint32_t v = i * 2654435761u, a = 0x80 | (v >> 25);

		v = a << 24 | ((v & 0xff) * a / 255) | (((v >> 8) & 0xff) * a / 255) << 8 |
		    (((v >> 16) & 0xff) * a / 255) << 16;
		((uint32_t *)(void *)(dev.bar2 + src1))[i] = ((uint32_t *)(void *)(dev.bar2 + srcm))[i] = v;
	}
	memset(dev.bar2 + dst1, 0x33, dh * stride);
	memset(dev.bar2 + dstm, 0x33, dh * stride);
	dp_reset(&ctx[1]);
	dp_set_surface(&ctx[1], GFX_SURFACE_SRC, src1, sw, sh, sw * 4, A);
	dp_set_surface(&ctx[1], GFX_SURFACE_DST, dst1, dw, dh, stride, R);
	dp_set_surface(&ctx[0], GFX_SURFACE_DST, MASTER_SURF + 0x400000, 64, 64, 256, X);
	REQUIRE(dp_finish(&ctx[0], 2000));
	dp_emit(&ctx[1], blit, 9);
	s1 = dp_fence(&ctx[1], false);
	/* The master keeps working while the client draws: its work runs at the preemption points. */
	while (dp_rd64(&ctx[1], GFX_REG_FENCE_DONE) < s1 && during < 1000) {
		fill(&ctx[0], 0xff010203, 0, 0, 8, 8);
		if (!dp_finish(&ctx[0], 2000))
			break;
		during++;
	}
	REQUIRE(dp_wait_fence(&ctx[1], s1, 5000));
	dp_set_surface(&ctx[0], GFX_SURFACE_SRC, srcm, sw, sh, sw * 4, A);
	dp_set_surface(&ctx[0], GFX_SURFACE_DST, dstm, dw, dh, stride, R);
	dp_emit(&ctx[0], blit, 9);
	sm = dp_fence(&ctx[0], false);
	REQUIRE(dp_wait_fence(&ctx[0], sm, 5000));
	CHECK(memcmp(dev.bar2 + dst1, dev.bar2 + dstm, dh * stride) == 0,
	      "the client's (preemptible) stretch differs from the master's");
	fprintf(stderr, "  the master finished %d fills while the client's stretch ran\n", during);
}

/* Every client floods the engine with scaled blits: all of them and the master make progress. */
static void test_flood_progress(void *arg)
{
	uint32_t blit[9] = { GFX_CMD(GFX_OP_STRETCH_BLIT, GFX_FLAG_BILINEAR, 9), 0, 0, 16 << 16, 16 << 16,
			     0, GFX_PACK(256, 128), 255, 0 };
	uint64_t last[CONTEXTS], frames = 0;
	uint64_t end = dp_now_ns() + 1500000000ull;

	for (unsigned int i = 1; i < CONTEXTS; i++) {
		dp_reset(&ctx[i]);
		dp_set_surface(&ctx[i], GFX_SURFACE_SRC, surf(i), 16, 16, 64, X);
		dp_set_surface(&ctx[i], GFX_SURFACE_DST, surf(i) + 4096, 256, 128, 1024, X);
		last[i] = dp_rd64(&ctx[i], GFX_REG_FENCE_DONE);
	}
	dp_set_surface(&ctx[0], GFX_SURFACE_DST, MASTER_SURF, 64, 64, 256, X);
	while (dp_now_ns() < end) {
		for (unsigned int i = 1; i < CONTEXTS; i++) {
			/* Keep about 8 blits queued per client. */
			if (ctx[i].fence_seq - dp_rd64(&ctx[i], GFX_REG_FENCE_DONE) < 8) {
				dp_emit(&ctx[i], blit, 9);
				dp_fence(&ctx[i], false);
			}
		}
		fill(&ctx[0], 0xff000000u | (uint32_t)frames, 0, 0, 64, 64);
		if (dp_finish(&ctx[0], 2000))
			frames++;
	}
	CHECK(frames > 0, "the master completed nothing while the clients flooded");
	for (unsigned int i = 1; i < CONTEXTS; i++)
		CHECK(dp_rd64(&ctx[i], GFX_REG_FENCE_DONE) > last[i], "client %u made no progress", i);
	for (unsigned int i = 1; i < CONTEXTS; i++)
		CHECK(dp_finish(&ctx[i], 5000), "client %u did not drain", i);
	fprintf(stderr, "  the master finished %llu frames while 7 clients flooded\n", (unsigned long long)frames);
}

/* Random words as commands on a client: errors are fine; memory outside its window never changes. */
static void test_client_scribbler(void *arg)
{
	struct dp_ctx *c = &ctx[3];
	unsigned int seed = 99;
	uint64_t before = hash_outside(3);
	uint32_t w[16];

	for (int round = 0; round < 300; round++) {
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)rand_r(&seed) * 2654435761u;
		w[0] = (w[0] & 0xff0f) | (uint32_t)(1 + rand_r(&seed) % 16) << 16;
		w[0] = (w[0] & ~0xffu) | (uint32_t)(rand_r(&seed) % (GFX_OP_COUNT + 1));
		if (round % 3 == 0) {	/* well-formed surfaces across either edge of the window */
			uint32_t edge = round & 4 ? win_off[3] + win_size[3] : win_off[3];

			w[0] = GFX_CMD(GFX_OP_SET_SURFACE, round & 1, 6);
			w[1] = (edge - (uint32_t)(rand_r(&seed) % 8192)) & ~3u;
			w[2] = 16 + rand_r(&seed) % 48;
			w[3] = 1 + rand_r(&seed) % 16;
			w[4] = 256;
			w[5] = X;
			w[6] = GFX_CMD(GFX_OP_NOP, 0, 10);	/* nothing else: the fill comes next */
		} else if (round % 3 == 1) {	/* and a fill of all of it */
			w[0] = GFX_CMD(GFX_OP_FILL_RECTS, 0, 4);
			w[2] = 0;
			w[3] = GFX_PACK(16, 1);
			w[4] = GFX_CMD(GFX_OP_NOP, 0, 12);
		}
		if (GFX_CMD_OPCODE(w[0]) == GFX_OP_FENCE)
			w[0] &= ~0xffu;
		dp_emit(c, w, 16);
		usleep(100);
		if (dp_rd(c, GFX_REG_STATUS) & GFX_STATUS_RING_ERROR)
			dp_reset(c);
	}
	dp_reset(c);
	CHECK(dp_finish(c, 2000), "context 3 did not survive random commands");
	CHECK(hash_outside(3) == before, "random commands of context 3 changed memory outside its window");
}

/* The driver leaves: every context stops; the next driver finds them all reset. */
static void test_detach_quiesces_all(void *arg)
{
	uint8_t *old;
	uint64_t size = dev.size;

	for (unsigned int i = 0; i < CONTEXTS; i++)
		dp_wr(&ctx[i], GFX_REG_IRQ_ENABLE, GFX_IRQ_FENCE);
	dp_disconnect(&dev, true);
	old = dev.bar2;
	usleep(100000);
	for (unsigned int i = 0; i < CONTEXTS; i++) {
		const uint8_t *p = old + GFX_CTX_PAGE(i);

		CHECK(*(volatile uint32_t *)(p + GFX_REG_CONTROL) == 0 &&
		      *(volatile uint32_t *)(p + GFX_REG_IRQ_ENABLE) == 0, "context %u still running", i);
	}
	munmap(old, size);
	dev.bar2 = NULL;
	REQUIRE(dp_connect(&dev) == 0, "no reconnect");
	for (unsigned int i = 0; i < CONTEXTS; i++) {
		dp_ctx_init(&ctx[i], &dev, i, i ? win_off[i] : MASTER_RING, RING_SIZE);
		CHECK(dp_rd(&ctx[i], GFX_REG_RING_HEAD) == 0 && dp_rd(&ctx[i], GFX_REG_CONTROL) == 0);
		dp_ring_start(&ctx[i]);
		CHECK(dp_finish(&ctx[i], 2000), "context %u did not start again", i);
	}
}

int main(void)
{
	static const char *const args[] = { "--vram", "64", "--mode", "320x240@60", NULL };
	int rc;

	if (dp_init(&dev) < 0 || dp_start(&dev, args) < 0) {
		printf("FAIL contexts_device_start: gfx-device did not start\n");
		return 1;
	}
	rc = dp_connect(&dev);
	if (rc || dev.vectors != CONTEXTS) {
		printf("FAIL contexts_handshake: step %d, %u vectors (expected %u)\n", rc, dev.vectors, CONTEXTS);
		dp_stop(&dev);
		return 1;
	}
	printf("PASS contexts_handshake (%u vectors)\n", dev.vectors);
	for (unsigned int i = 0; i < CONTEXTS; i++) {
		const uint8_t *p = dev.bar2 + GFX_CTX_PAGE(i);

		win_off[i] = *(const uint32_t *)(p + GFX_REG_WINDOW_OFFSET);
		win_size[i] = *(const uint32_t *)(p + GFX_REG_WINDOW_SIZE);
		dp_ctx_init(&ctx[i], &dev, i, i ? win_off[i] : MASTER_RING, RING_SIZE);
		dp_ring_start(&ctx[i]);
	}
	run_test("contexts_identity_and_windows", test_identity, NULL);
	run_test("contexts_parallel_rendering_exact", test_parallel_rendering, NULL);
	run_test("contexts_engine_state_per_context", test_engine_state_per_context, NULL);
	run_test("contexts_window_enforced", test_window_enforced, NULL);
	run_test("contexts_ring_outside_window", test_ring_outside_window, NULL);
	run_test("contexts_own_vectors", test_vectors, NULL);
	run_test("contexts_hang_confined_master_resets", test_hang_confined, NULL);
	run_test("contexts_preempted_stretch_exact", test_preempted_stretch_exact, NULL);
	run_test("contexts_flood_progress", test_flood_progress, NULL);
	run_test("contexts_client_scribbler_confined", test_client_scribbler, NULL);
	run_test("contexts_detach_quiesces_all", test_detach_quiesces_all, NULL);
	dp_disconnect(&dev, false);
	rc = dp_stop(&dev);
	if (rc == 0)
		printf("PASS contexts_device_clean_exit\n");
	else
		printf("FAIL contexts_device_clean_exit: status 0x%x\n", rc), test_state.total_failed++;
	rmdir(dev.dir);
	return TEST_EXIT();
}
