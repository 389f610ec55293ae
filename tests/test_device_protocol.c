// SPDX-License-Identifier: MIT
/*
 * test_device_protocol.c - gfx-device end to end, without libgfx.
 *
 * Starts build/bin/gfx-device, speaks the ivshmem protocol to it, writes
 * commands straight into the ring in shared memory, rings the doorbell and
 * checks results, errors, recovery, flips, vblank timing and interrupts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <png.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gfx_hw.h"
#include "harness.h"
#include "common/devproto.h"

TEST_STATE_DEFINE;

/* harness.h's REQUIRE evaluates its condition twice; these conditions have side effects. */
#define REQUIRE1(expr, ...) do {					\
	if (!(expr)) {							\
		CHECK(!#expr, __VA_ARGS__);				\
		longjmp(test_state.out, 1);				\
	}								\
} while (0)

#define MODE_W 320
#define MODE_H 240
#define VRAM_MIB 16
#define RING_BASE 0x10000u
#define RING_SIZE 0x1000u	/* small, so tests wrap it */

static struct dp_device dev;
#define device_pid dev.pid

struct client {
	int sock;
	int shm_fd, kick_fd, irq_fd;
	uint8_t *bar2;
	uint64_t size;
	uint32_t tail;
};

static struct client cl = { -1, -1, -1, -1, NULL, 0, 0 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static _Atomic uint32_t *r32(uint32_t off) { return (_Atomic uint32_t *)(void *)(cl.bar2 + off); }
static _Atomic uint64_t *r64(uint32_t off) { return (_Atomic uint64_t *)(void *)(cl.bar2 + off); }
static uint32_t rd(uint32_t off) { return atomic_load(r32(off)); }
static uint64_t rd64(uint32_t off) { return atomic_load(r64(off)); }
static void wr(uint32_t off, uint32_t v) { atomic_store(r32(off), v); }

static void client_close(void)
{
	dp_disconnect(&dev, cl.bar2 == NULL);	/* a test that took the mapping unmaps it */
	cl = (struct client){ -1, -1, -1, -1, NULL, 0, 0 };
}

/* The full handshake, checked message by message; the master context's vector is ours. */
static int client_open(void)
{
	int r = dp_connect(&dev);

	if (r)
		return r;
	cl = (struct client){ dev.sock_fd, dev.shm_fd, dev.kick_fd[0], dev.irq_fd[0], dev.bar2, dev.size, 0 };
	return 0;
}

static int connect_socket(void)
{
	return dp_connect_socket(&dev);
}

static int recv_msg(int sock, int64_t *value, int *fd)
{
	return dp_recv_msg(sock, value, fd);
}

static void kick(void)
{
	uint64_t one = 1;

	if (write(cl.kick_fd, &one, sizeof(one)) != sizeof(one))
		perror("kick");
}

static void ring_start(void)
{
	wr(GFX_REG_RING_BASE, RING_BASE);
	wr(GFX_REG_RING_SIZE, RING_SIZE);
	wr(GFX_REG_RING_TAIL, 0);
	wr(GFX_REG_CONTROL, GFX_CTRL_RING_ENABLE);
	cl.tail = 0;
	kick();
}

/* Store words at the tail (wrapping) and publish the tail, without ringing. */
static uint32_t store(const uint32_t *w, unsigned int n)
{
	uint32_t at = cl.tail;

	for (unsigned int i = 0; i < n; i++) {
		*(volatile uint32_t *)(cl.bar2 + RING_BASE + cl.tail) = w[i];
		cl.tail = (cl.tail + 4) % RING_SIZE;
	}
	atomic_store(r32(GFX_REG_RING_TAIL), cl.tail);
	return at;
}

/* Store, publish, ring. */
static uint32_t emit(const uint32_t *w, unsigned int n)
{
	uint32_t at = store(w, n);

	kick();
	return at;
}

static uint64_t fence_seq;

static uint64_t emit_fence(bool irq)
{
	uint64_t s = ++fence_seq;
	uint32_t w[3] = { GFX_CMD(GFX_OP_FENCE, irq ? GFX_FENCE_IRQ : 0, 3), (uint32_t)s, (uint32_t)(s >> 32) };

	emit(w, 3);
	return s;
}

static bool wait_until(bool (*cond)(void *), void *arg, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;

	while (now_ns() < end) {
		if (cond(arg))
			return true;
		usleep(200);
	}
	return cond(arg);
}

static bool fence_passed(void *arg) { return rd64(GFX_REG_FENCE_DONE) >= *(uint64_t *)arg; }
static bool ring_stopped(void *arg) { return rd(GFX_REG_STATUS) & GFX_STATUS_RING_ERROR; }
static bool control_clear(void *arg) { return !(rd(GFX_REG_CONTROL) & *(uint32_t *)arg); }

static bool head_at_tail(void *arg) { return rd(GFX_REG_RING_HEAD) == cl.tail; }

static bool finish(int timeout_ms)
{
	uint64_t s = emit_fence(false);

	return wait_until(fence_passed, &s, timeout_ms);
}

static void set_surface(unsigned int slot, uint32_t off, uint32_t w, uint32_t h, uint32_t stride, uint32_t fmt)
{
	uint32_t c[6] = { GFX_CMD(GFX_OP_SET_SURFACE, slot, 6), off, w, h, stride, fmt };

	emit(c, 6);
}

static void reset_ring(void)
{
	uint32_t bit = GFX_CTRL_RESET;

	atomic_fetch_or(r32(GFX_REG_CONTROL), GFX_CTRL_RESET);
	kick();
	wait_until(control_clear, &bit, 2000);
	cl.tail = rd(GFX_REG_RING_TAIL);
}

static int run_ctl(const char *args)
{
	return dp_ctl(&dev, args);
}

/* ---- cases ---- */

static void test_identity(void *arg)
{
	REQUIRE1(cl.bar2);
	CHECK(rd(GFX_REG_MAGIC) == GFX_MAGIC);
	CHECK(rd(GFX_REG_VERSION) == GFX_VERSION);
	CHECK(rd64(GFX_REG_VRAM_SIZE) == (uint64_t)VRAM_MIB << 20);
	CHECK(cl.size == (uint64_t)VRAM_MIB << 20);
	CHECK(rd(GFX_REG_FORMAT_COUNT) == 5);
	CHECK(rd(GFX_REG_FORMATS) == GFX_FMT_XRGB8888);
	CHECK(rd(GFX_REG_DEVICE_PEER) == 0);
	CHECK(rd(GFX_REG_MAX_CMD_WORDS) >= 64);
	CHECK(rd(GFX_REG_MODE_WIDTH) == MODE_W && rd(GFX_REG_MODE_HEIGHT) == MODE_H);
	CHECK(rd(GFX_REG_MODE_REFRESH) == 60000);
	CHECK(rd(GFX_REG_CAPS) & GFX_CAP_BILINEAR);
	/* A driver cannot shrink VRAM under the device (it would die of SIGBUS). */
	CHECK(ftruncate(cl.shm_fd, 4096) < 0, "VRAM could be shrunk");
}

#define SURF 0x100000u

static void test_fill_fence_irq(void *arg)
{
	uint32_t fill[4] = { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xff112233, GFX_PACK(2, 3), GFX_PACK(10, 5) };
	uint64_t v, s;
	struct pollfd pfd = { cl.irq_fd, POLLIN, 0 };

	wr(GFX_REG_IRQ_ENABLE, GFX_IRQ_FENCE | GFX_IRQ_ERROR);
	memset(cl.bar2 + SURF, 0, 64 * 256);
	while (read(cl.irq_fd, &v, 8) == 8)
		;
	atomic_exchange(r32(GFX_REG_IRQ_CAUSE), 0);
	set_surface(GFX_SURFACE_DST, SURF, 64, 64, 256, GFX_FMT_XRGB8888);
	emit(fill, 4);
	s = emit_fence(true);
	REQUIRE1(poll(&pfd, 1, 2000) == 1, "no fence interrupt");
	CHECK(rd64(GFX_REG_FENCE_DONE) == s);
	CHECK(atomic_exchange(r32(GFX_REG_IRQ_CAUSE), 0) & GFX_IRQ_FENCE);
	uint32_t *px = (uint32_t *)(cl.bar2 + SURF);
	CHECK(px[3 * 64 + 2] == 0xff112233);
	CHECK(px[7 * 64 + 11] == 0xff112233);
	CHECK(px[7 * 64 + 12] == 0);
	CHECK(px[8 * 64 + 2] == 0);
	CHECK(px[2 * 64 + 2] == 0);
	CHECK(wait_until(head_at_tail, NULL, 1000));
}

static bool status_idle(void *arg) { return rd(GFX_REG_STATUS) & GFX_STATUS_IDLE; }

static void test_ring_wrap(void *arg)
{
	uint32_t nop[7] = { GFX_CMD(GFX_OP_NOP, 0, 7) };
	uint32_t copy_words[4] = { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xff00ff00, GFX_PACK(0, 0), GFX_PACK(1, 1) };

	/* Enough 7-word commands to go around the 1024-word ring several times, many straddling its end. */
	for (int i = 0; i < 600; i++) {
		emit(nop, 7);
		if (i % 50 == 0)
			REQUIRE1(finish(2000), "ring stalled at %u", rd(GFX_REG_RING_HEAD));
	}
	emit(copy_words, 4);
	REQUIRE1(finish(2000));
	CHECK(*(uint32_t *)(cl.bar2 + SURF) == 0xff00ff00);
	CHECK(!(rd(GFX_REG_STATUS) & GFX_STATUS_RING_ERROR));
	CHECK(wait_until(status_idle, NULL, 1000));
}

static void test_full_ring(void *arg)
{
	/* The driver keeps one word free: fill the ring to size - 4 bytes without a doorbell, then ring once. */
	uint32_t words = RING_SIZE / 4 - 1 - 3;
	uint64_t s = fence_seq + 1;

	for (uint32_t i = 0; i < words; i++) {
		*(volatile uint32_t *)(cl.bar2 + RING_BASE + cl.tail) = GFX_CMD(GFX_OP_NOP, 0, 1);
		cl.tail = (cl.tail + 4) % RING_SIZE;
	}
	emit_fence(false);
	REQUIRE1(wait_until(fence_passed, &s, 2000));
	CHECK(wait_until(head_at_tail, NULL, 1000));
}

struct bad_case {
	const char *name;
	uint32_t words[12];
	unsigned int n;
	uint32_t code;
};

static void expect_error(const uint32_t *w, unsigned int n, uint32_t code, bool skip)
{
	uint32_t errors = rd(GFX_REG_ERROR_COUNT), at;
	uint64_t v;

	atomic_exchange(r32(GFX_REG_IRQ_CAUSE), 0);
	while (read(cl.irq_fd, &v, 8) == 8)
		;
	at = emit(w, n);
	REQUIRE1(wait_until(ring_stopped, NULL, 2000), "ring did not stop (code %u expected)", code);
	CHECK(rd(GFX_REG_ERROR_CODE) == code, "code %u, expected %u", rd(GFX_REG_ERROR_CODE), code);
	CHECK(rd(GFX_REG_ERROR_OFFSET) == at, "offset %u, expected %u", rd(GFX_REG_ERROR_OFFSET), at);
	CHECK(rd(GFX_REG_ERROR_COUNT) == errors + 1);
	CHECK(rd(GFX_REG_RING_HEAD) == at);
	CHECK(atomic_load(r32(GFX_REG_IRQ_CAUSE)) & GFX_IRQ_ERROR);
	CHECK(!(rd(GFX_REG_STATUS) & GFX_STATUS_RING_RUNNING));
	if (skip) {
		uint32_t bit = GFX_CTRL_SKIP;

		atomic_fetch_or(r32(GFX_REG_CONTROL), GFX_CTRL_SKIP);
		kick();
		CHECK(wait_until(control_clear, &bit, 2000));
	} else {
		reset_ring();
	}
	CHECK(!(rd(GFX_REG_STATUS) & GFX_STATUS_RING_ERROR));
	CHECK(finish(2000), "ring did not recover");
}

static void test_bad_commands(void *arg)
{
	const uint32_t X = GFX_FMT_XRGB8888;
	const uint32_t vram = VRAM_MIB << 20;
	struct bad_case cases[] = {
		{ "bad opcode", { GFX_CMD(0x7f, 0, 1) }, 1, GFX_ERR_BAD_OPCODE },
		{ "zero length", { GFX_CMD(GFX_OP_NOP, 0, 0) }, 1, GFX_ERR_BAD_LENGTH },
		{ "wrong length", { GFX_CMD(GFX_OP_FENCE, 0, 2), 1 }, 2, GFX_ERR_BAD_LENGTH },
		{ "fill odd payload", { GFX_CMD(GFX_OP_FILL_RECTS, 0, 3), 0, 0 }, 3, GFX_ERR_BAD_LENGTH },
		{ "past tail", { GFX_CMD(GFX_OP_NOP, 0, 9), 0, 0 }, 3, GFX_ERR_BAD_LENGTH },
		{ "surface in register page", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), 0, 16, 16, 64, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "surface past vram", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), vram - 4096, 64, 64, 256, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "surface offset wraps", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), 0xfffff000u, 1024, 1024, 4096, X }, 6, GFX_ERR_SURFACE_OOB },
		{ "zero-size surface", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), SURF, 0, 16, 64, X }, 6, GFX_ERR_ZERO_SIZE },
		{ "misaligned stride", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), SURF, 16, 16, 66, X }, 6, GFX_ERR_BAD_STRIDE },
		{ "stride too small", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), SURF, 16, 16, 60, X }, 6, GFX_ERR_BAD_STRIDE },
		{ "bad format", { GFX_CMD(GFX_OP_SET_SURFACE, 0, 6), SURF, 16, 16, 64, 0x20202020 }, 6, GFX_ERR_BAD_FORMAT },
		{ "rect outside surface", { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0, GFX_PACK(60, 0), GFX_PACK(5, 1) }, 4, GFX_ERR_RECT_OOB },
		{ "zero-size rect", { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0, GFX_PACK(0, 0), GFX_PACK(0, 1) }, 4, GFX_ERR_ZERO_SIZE },
		{ "copy src outside", { GFX_CMD(GFX_OP_COPY_RECTS, 0, 4), GFX_PACK(63, 63), 0, GFX_PACK(2, 2) }, 4, GFX_ERR_RECT_OOB },
		{ "stretch src outside", { GFX_CMD(GFX_OP_STRETCH_BLIT, 0, 9), 0, 0, 65 << 16, 1 << 16, 0, GFX_PACK(4, 4), 255, 0 }, 9, GFX_ERR_RECT_OOB },
		{ "flip wrong size", { GFX_CMD(GFX_OP_FLIP, 0, 8), SURF, 64, 64, 256, X, 0, 0 }, 8, GFX_ERR_BAD_MODE },
		{ "flip outside vram", { GFX_CMD(GFX_OP_FLIP, 0, 8), vram - 4096, MODE_W, MODE_H, MODE_W * 4, X, 0, 0 }, 8, GFX_ERR_SURFACE_OOB },
	};

	/* Valid surfaces for the rect cases: 64x64 dst and src. */
	set_surface(GFX_SURFACE_DST, SURF, 64, 64, 256, X);
	set_surface(GFX_SURFACE_SRC, SURF + 0x10000, 64, 64, 256, X);
	REQUIRE1(finish(2000));
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fprintf(stderr, "  bad command: %s\n", cases[i].name);
		expect_error(cases[i].words, cases[i].n, cases[i].code, true);
		if (test_state.failed)
			test_note("case '%s'", cases[i].name);
	}
	/* After a reset the engine forgot its surfaces. */
	reset_ring();
	uint32_t no_surface[4] = { GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0, 0, GFX_PACK(1, 1) };
	expect_error(no_surface, 4, GFX_ERR_NO_SURFACE, false);
}

static void test_bad_ring_regs(void *arg)
{
	uint32_t errors = rd(GFX_REG_ERROR_COUNT);

	wr(GFX_REG_RING_TAIL, 6);	/* not a word offset */
	kick();
	REQUIRE1(wait_until(ring_stopped, NULL, 2000));
	CHECK(rd(GFX_REG_ERROR_CODE) == GFX_ERR_BAD_RING);
	CHECK(rd(GFX_REG_ERROR_COUNT) == errors + 1);
	wr(GFX_REG_RING_TAIL, cl.tail);
	reset_ring();
	CHECK(finish(2000));
}

static void test_reset_counts(void *arg)
{
	uint32_t resets = rd(GFX_REG_RESET_COUNT);
	uint32_t hdr = GFX_CMD(GFX_OP_NOP, 0, 1);

	reset_ring();
	CHECK(rd(GFX_REG_RESET_COUNT) == resets + 1);
	CHECK(rd(GFX_REG_RING_HEAD) == rd(GFX_REG_RING_TAIL));
	emit(&hdr, 1);
	CHECK(finish(2000));
}

#define FB0 0x200000u
#define FB1 0x300000u

static bool flip_latched(void *arg) { return rd64(GFX_REG_FLIP_COUNT) >= *(uint64_t *)arg; }

static void test_flip(void *arg)
{
	uint64_t flips = rd64(GFX_REG_FLIP_COUNT), want = flips + 1, s;
	uint32_t flip[8] = { GFX_CMD(GFX_OP_FLIP, 0, 8), FB0, MODE_W, MODE_H, MODE_W * 4, GFX_FMT_XRGB8888,
			     0xdeadbeef, 0x12345678 };
	const struct gfx_flip_entry *fe;
	const struct gfx_vblank_entry *ve;

	set_surface(GFX_SURFACE_DST, FB0, MODE_W, MODE_H, MODE_W * 4, GFX_FMT_XRGB8888);
	emit((uint32_t[]){ GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xff204080, 0, GFX_PACK(MODE_W, MODE_H) }, 4);
	emit((uint32_t[]){ GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xffff0000, GFX_PACK(1, 2), GFX_PACK(1, 1) }, 4);
	emit(flip, 8);
	s = emit_fence(false);
	REQUIRE1(wait_until(fence_passed, &s, 2000));
	/* Queued, not yet on screen unless a vblank already passed. */
	REQUIRE1(wait_until(flip_latched, &want, 2000), "flip never latched");
	CHECK(rd(GFX_REG_SCANOUT_OFFSET) == FB0);
	CHECK(rd(GFX_REG_SCANOUT_STRIDE) == MODE_W * 4);
	CHECK(rd(GFX_REG_SCANOUT_FORMAT) == GFX_FMT_XRGB8888);
	fe = (const void *)(cl.bar2 + GFX_REG_FLIP_LOG + (want % GFX_LOG_ENTRIES) * sizeof(*fe));
	CHECK(fe->count == want);
	CHECK(fe->user_data == 0x12345678deadbeefull);
	/* Latched exactly at a vblank: same sequence and timestamp as that vblank's log entry. */
	ve = (const void *)(cl.bar2 + GFX_REG_VBLANK_LOG + (fe->vblank_seq % GFX_LOG_ENTRIES) * sizeof(*ve));
	CHECK(ve->seq == fe->vblank_seq && ve->time_ns == fe->time_ns);

	/* Two flips back to back: the second waits for the first to latch, one per vblank. */
	flip[1] = FB1;
	set_surface(GFX_SURFACE_DST, FB1, MODE_W, MODE_H, MODE_W * 4, GFX_FMT_XRGB8888);
	emit((uint32_t[]){ GFX_CMD(GFX_OP_FILL_RECTS, 0, 4), 0xff00ff00, 0, GFX_PACK(MODE_W, MODE_H) }, 4);
	emit(flip, 8);
	flip[1] = FB0;
	emit(flip, 8);
	want += 2;
	REQUIRE1(wait_until(flip_latched, &want, 2000));
	const struct gfx_flip_entry *a = (const void *)(cl.bar2 + GFX_REG_FLIP_LOG + ((want - 1) % 16) * sizeof(*a));
	const struct gfx_flip_entry *b = (const void *)(cl.bar2 + GFX_REG_FLIP_LOG + (want % 16) * sizeof(*b));
	CHECK(b->vblank_seq > a->vblank_seq, "two flips latched at the same vblank");
	CHECK(rd(GFX_REG_SCANOUT_OFFSET) == FB0);
	CHECK(finish(2000));
}

static void test_screenshot(void *arg)
{
	char path[256], cmd[300];
	png_image img = { .version = PNG_IMAGE_VERSION };
	uint8_t *px;

	snprintf(path, sizeof(path), "%s/shot.png", dev.dir);
	snprintf(cmd, sizeof(cmd), "screenshot %s", path);
	REQUIRE1(rd(GFX_REG_SCANOUT_OFFSET) == FB0);
	REQUIRE1(run_ctl(cmd) == 0);
	REQUIRE1(png_image_begin_read_from_file(&img, path), "%s", img.message);
	CHECK(img.width == MODE_W && img.height == MODE_H);
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	REQUIRE1(px && png_image_finish_read(&img, NULL, px, 0, NULL));
	CHECK(px[0] == 0x20 && px[1] == 0x40 && px[2] == 0x80, "%02x %02x %02x", px[0], px[1], px[2]);
	uint8_t *red = px + (2 * MODE_W + 1) * 3;
	CHECK(red[0] == 0xff && red[1] == 0 && red[2] == 0);
	free(px);
}

#define FB2 0x400000u

/* Flip a buffer the CPU filled, take a screenshot, return its pixels (RGB or RGBA). */
static uint8_t *flip_and_shoot(uint32_t fmt, uint32_t stride, bool alpha)
{
	uint64_t want = rd64(GFX_REG_FLIP_COUNT) + 1;
	uint32_t flip[8] = { GFX_CMD(GFX_OP_FLIP, 0, 8), FB2, MODE_W, MODE_H, stride, fmt, 0, 0 };
	char path[256], cmd[300];
	png_image img = { .version = PNG_IMAGE_VERSION };
	uint8_t *px;

	emit(flip, 8);
	if (!wait_until(flip_latched, &want, 2000))
		return NULL;
	snprintf(path, sizeof(path), "%s/shot.png", dev.dir);
	snprintf(cmd, sizeof(cmd), "screenshot %s", path);
	if (run_ctl(cmd) != 0 || !png_image_begin_read_from_file(&img, path))
		return NULL;
	if (img.width != MODE_W || img.height != MODE_H ||
	    !!(img.format & PNG_FORMAT_FLAG_ALPHA) != alpha) {
		png_image_free(&img);
		return NULL;
	}
	img.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	if (px && !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		free(px);
		return NULL;
	}
	return px;
}

static void test_screenshot_formats(void *arg)
{
	uint16_t *p16 = (uint16_t *)(cl.bar2 + FB2);
	uint32_t *p32 = (uint32_t *)(cl.bar2 + FB2);
	uint8_t *px;

	/* RGB565, widened by bit replication. */
	p16[0] = 0xf81f;
	p16[1] = 0x07e0;
	p16[2] = 0x8410;
	px = flip_and_shoot(GFX_FMT_RGB565, MODE_W * 2, false);
	REQUIRE1(px, "RGB565 screenshot failed");
	CHECK(px[0] == 255 && px[1] == 0 && px[2] == 255);
	CHECK(px[3] == 0 && px[4] == 255 && px[5] == 0);
	CHECK(px[6] == 132 && px[7] == 130 && px[8] == 132, "%u %u %u", px[6], px[7], px[8]);
	free(px);

	/* ABGR8888: RGBA with the stored (premultiplied) values as they are. */
	p32[0] = 0x80112233;
	p32[1] = 0xff0000ff;
	px = flip_and_shoot(GFX_FMT_ABGR8888, MODE_W * 4, true);
	REQUIRE1(px, "ABGR8888 screenshot failed");
	CHECK(px[0] == 0x33 && px[1] == 0x22 && px[2] == 0x11 && px[3] == 0x80,
	      "%02x %02x %02x %02x", px[0], px[1], px[2], px[3]);
	CHECK(px[4] == 0xff && px[5] == 0 && px[6] == 0 && px[7] == 0xff);
	free(px);

	/* XBGR8888: RGB. */
	p32[0] = 0x00445566;
	px = flip_and_shoot(GFX_FMT_XBGR8888, MODE_W * 4, false);
	REQUIRE1(px, "XBGR8888 screenshot failed");
	CHECK(px[0] == 0x66 && px[1] == 0x55 && px[2] == 0x44);
	free(px);
}

static void test_vblank_rate(void *arg)
{
	uint64_t s0 = rd64(GFX_REG_VBLANK_SEQ), s1;
	const struct gfx_vblank_entry *e0, *e1;
	uint64_t t0, t1;
	double hz;

	e0 = (const void *)(cl.bar2 + GFX_REG_VBLANK_LOG + (s0 % 16) * sizeof(*e0));
	t0 = e0->time_ns;
	REQUIRE1(e0->seq == s0);
	usleep(1050000);
	s1 = rd64(GFX_REG_VBLANK_SEQ);
	e1 = (const void *)(cl.bar2 + GFX_REG_VBLANK_LOG + (s1 % 16) * sizeof(*e1));
	t1 = e1->time_ns;
	REQUIRE1(e1->seq == s1);
	hz = (double)(s1 - s0) * 1e9 / (double)(t1 - t0);
	fprintf(stderr, "  vblank rate %.3f Hz over %.3f s\n", hz, (t1 - t0) / 1e9);
	CHECK(hz > 59.4 && hz < 60.6, "%.3f Hz", hz);
	CHECK(s1 - s0 >= 59 && s1 - s0 <= 65);
}

static void test_wait_vblank(void *arg)
{
	uint32_t w = GFX_CMD(GFX_OP_WAIT_VBLANK, 0, 1);
	uint64_t before = rd64(GFX_REG_VBLANK_SEQ), s;

	emit(&w, 1);
	s = emit_fence(false);
	REQUIRE1(wait_until(fence_passed, &s, 2000));
	CHECK(rd64(GFX_REG_VBLANK_SEQ) > before);
}

static bool idle_no_flip(void *arg)
{
	return (rd(GFX_REG_STATUS) & (GFX_STATUS_IDLE | GFX_STATUS_FLIP_PENDING)) == GFX_STATUS_IDLE;
}

/*
 * What the vblank's look at the rings does without a doorbell (hardware.md
 * 10, step 4): IDLE once a flip latched, commands and CONTROL requests
 * picked up. The model does the look on its display thread while the CP
 * sleeps; each part is waited for after the CP's spin has surely ended.
 */
static void test_vblank_look(void *arg)
{
	uint32_t flip[8] = { GFX_CMD(GFX_OP_FLIP, 0, 8), FB0, MODE_W, MODE_H, MODE_W * 4, GFX_FMT_XRGB8888, 7, 0 };
	uint64_t want = rd64(GFX_REG_FLIP_COUNT) + 1, s = ++fence_seq;
	uint32_t fence[3] = { GFX_CMD(GFX_OP_FENCE, 0, 3), (uint32_t)s, (uint32_t)(s >> 32) };
	uint32_t bit = GFX_CTRL_RESET;

	emit(flip, 8);
	REQUIRE1(wait_until(flip_latched, &want, 2000), "flip never latched");
	CHECK(wait_until(idle_no_flip, NULL, 1000), "STATUS 0x%x after the flip latched", rd(GFX_REG_STATUS));
	usleep(20000);
	store(fence, 3);
	CHECK(wait_until(fence_passed, &s, 2000), "commands stored without a doorbell never ran");
	usleep(20000);
	atomic_fetch_or(r32(GFX_REG_CONTROL), GFX_CTRL_RESET);
	CHECK(wait_until(control_clear, &bit, 2000), "a RESET without a doorbell was never seen");
	cl.tail = rd(GFX_REG_RING_TAIL);
	CHECK(finish(2000));
}

static void test_second_client_refused(void *arg)
{
	int fd = connect_socket();
	int64_t v = 0;
	int xfd;

	REQUIRE1(fd >= 0);
	CHECK(recv_msg(fd, &v, &xfd) == 0 && v == -EBUSY, "got %lld", (long long)v);
	CHECK(xfd == -1);
	CHECK(recv(fd, &v, sizeof(v), 0) == 0, "not closed after the refusal");
	close(fd);
	CHECK(finish(2000), "the first driver was disturbed");
}

static void test_hang_and_reset(void *arg)
{
	uint64_t s;

	REQUIRE1(run_ctl("hang") == 0);
	s = emit_fence(false);
	CHECK(!wait_until(fence_passed, &s, 200), "a hung engine completed a fence");
	reset_ring();
	CHECK(finish(2000), "no recovery after reset");
}

static void test_drop_irqs(void *arg)
{
	struct pollfd pfd = { cl.irq_fd, POLLIN, 0 };
	uint64_t v, s;

	wr(GFX_REG_IRQ_ENABLE, GFX_IRQ_FENCE);
	while (read(cl.irq_fd, &v, 8) == 8)
		;
	REQUIRE1(run_ctl("drop-irqs 1") == 0);
	s = emit_fence(true);
	REQUIRE1(wait_until(fence_passed, &s, 2000));
	CHECK(poll(&pfd, 1, 100) == 0, "the interrupt was not dropped");
	CHECK(atomic_load(r32(GFX_REG_IRQ_CAUSE)) & GFX_IRQ_FENCE, "the cause must still be set");
	emit_fence(true);
	CHECK(poll(&pfd, 1, 2000) == 1, "the next interrupt did not arrive");
}

static void test_delay_irqs(void *arg)
{
	struct pollfd pfd = { cl.irq_fd, POLLIN, 0 };
	uint64_t v, s, t0, vb0;

	REQUIRE1(run_ctl("delay-irqs 80000") == 0);
	/* Delayed vblank interrupts must not slow the vblank timer down. */
	wr(GFX_REG_IRQ_ENABLE, GFX_IRQ_VBLANK);
	kick();
	vb0 = rd64(GFX_REG_VBLANK_SEQ);
	usleep(200000);
	CHECK(rd64(GFX_REG_VBLANK_SEQ) - vb0 >= 10, "vblank slowed to %llu in 200 ms",
	      (unsigned long long)(rd64(GFX_REG_VBLANK_SEQ) - vb0));
	wr(GFX_REG_IRQ_ENABLE, GFX_IRQ_FENCE);
	usleep(150000);		/* let the queued vblank interrupts drain */
	while (read(cl.irq_fd, &v, 8) == 8)
		;
	t0 = now_ns();
	s = emit_fence(true);
	REQUIRE1(wait_until(fence_passed, &s, 2000));
	CHECK(poll(&pfd, 1, 40) == 0, "interrupt arrived before its delay");
	CHECK(poll(&pfd, 1, 1000) == 1, "delayed interrupt never arrived");
	CHECK(now_ns() - t0 >= 75000000ull, "only %llu us late", (unsigned long long)(now_ns() - t0) / 1000);
	REQUIRE1(run_ctl("delay-irqs 0") == 0);
	while (read(cl.irq_fd, &v, 8) == 8)
		;
}

static void test_irq_master(void *arg)
{
	struct pollfd pfd = { cl.irq_fd, POLLIN, 0 };
	uint64_t v;

	wr(GFX_REG_IRQ_ENABLE, GFX_IRQ_FENCE);
	wr(GFX_REG_IRQ_MASTER, 0);
	kick();
	usleep(2000);
	while (read(cl.irq_fd, &v, 8) == 8)
		;
	emit_fence(true);
	CHECK(finish(2000));
	CHECK(poll(&pfd, 1, 50) == 0, "interrupt with IRQ_MASTER off");
	/* Turning IRQ_MASTER on with a doorbell delivers the pending cause. */
	wr(GFX_REG_IRQ_MASTER, 1);
	kick();
	CHECK(poll(&pfd, 1, 2000) == 1, "pending cause not delivered when IRQ_MASTER turned on");
}

static void test_input(void *arg)
{
	uint64_t n0 = rd64(GFX_REG_INPUT_COUNT);
	const struct gfx_input_entry *e;

	REQUIRE1(run_ctl("key 30 1") == 0);
	REQUIRE1(run_ctl("pointer 10 20") == 0);
	CHECK(rd64(GFX_REG_INPUT_COUNT) == n0 + 5, "count %llu from %llu", (unsigned long long)rd64(GFX_REG_INPUT_COUNT), (unsigned long long)n0);
	e = (const void *)(cl.bar2 + GFX_REG_INPUT_LOG + (n0 % GFX_INPUT_ENTRIES) * sizeof(*e));
	CHECK(e->count == n0 + 1 && e->type == EV_KEY && e->code == 30 && e->value == 1);
	e = (const void *)(cl.bar2 + GFX_REG_INPUT_LOG + ((n0 + 2) % GFX_INPUT_ENTRIES) * sizeof(*e));
	CHECK(e->type == EV_ABS && e->code == ABS_X && e->value == 10);
	e = (const void *)(cl.bar2 + GFX_REG_INPUT_LOG + ((n0 + 4) % GFX_INPUT_ENTRIES) * sizeof(*e));
	CHECK(e->type == EV_SYN && e->code == SYN_REPORT);
	CHECK(atomic_load(r32(GFX_REG_IRQ_CAUSE)) & GFX_IRQ_INPUT);
	CHECK(run_ctl("key 30") != 0, "a malformed request must fail");
}

static void test_reconnect(void *arg)
{
	uint32_t errors = rd(GFX_REG_ERROR_COUNT), resets = rd(GFX_REG_RESET_COUNT);
	uint64_t vblank = rd64(GFX_REG_VBLANK_SEQ), fence = rd64(GFX_REG_FENCE_DONE);
	uint8_t *old = cl.bar2;
	uint64_t size = cl.size;
	int shm = dup(cl.shm_fd);

	/* A scribbling driver cannot make the device's counters go backwards. */
	wr(GFX_REG_MAGIC, 0);
	wr(GFX_REG_ERROR_COUNT, 0);
	wr(GFX_REG_RESET_COUNT, 0);
	atomic_store(r64(GFX_REG_FENCE_DONE), 0);
	atomic_store(r64(GFX_REG_VBLANK_SEQ), 0);
	usleep(50000);
	CHECK(rd64(GFX_REG_VBLANK_SEQ) >= vblank, "VBLANK_SEQ went backwards");
	/* Keep a view of the memory to see the quiesce after we vanish. */
	cl.bar2 = NULL;
	client_close();
	usleep(100000);
	cl.bar2 = old;
	CHECK(rd(GFX_REG_CONTROL) == 0, "ring not stopped after the driver left");
	CHECK(rd(GFX_REG_IRQ_ENABLE) == 0);
	munmap(old, size);
	close(shm);
	cl.bar2 = NULL;

	REQUIRE1(client_open() == 0);
	CHECK(rd(GFX_REG_MAGIC) == GFX_MAGIC);
	CHECK(rd(GFX_REG_ERROR_COUNT) == errors);
	CHECK(rd(GFX_REG_RESET_COUNT) == resets);
	CHECK(rd64(GFX_REG_VBLANK_SEQ) >= vblank);
	CHECK(rd64(GFX_REG_FENCE_DONE) == fence);
	CHECK(rd(GFX_REG_RING_HEAD) == 0 && rd(GFX_REG_CONTROL) == 0);
	ring_start();
	CHECK(finish(2000));
}

static void test_scribbler(void *arg)
{
	/* Random words as commands: errors are fine, a crash is not. */
	unsigned int seed = 1234;
	uint32_t w[16];

	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)rand_r(&seed) * 2654435761u;
		w[0] = (w[0] & 0xff0f) | (uint32_t)(1 + rand_r(&seed) % 16) << 16;
		w[0] = (w[0] & ~0xffu) | (uint32_t)(rand_r(&seed) % (GFX_OP_COUNT + 1));
		if (GFX_CMD_OPCODE(w[0]) == GFX_OP_FENCE)
			w[0] &= ~0xffu;	/* keep FENCE_DONE meaningful */
		emit(w, 16);
		usleep(200);
		if (rd(GFX_REG_STATUS) & GFX_STATUS_RING_ERROR) {
			reset_ring();
			set_surface(GFX_SURFACE_DST, SURF, 64, 64, 256, GFX_FMT_XRGB8888);
			set_surface(GFX_SURFACE_SRC, SURF + 0x10000, 64, 64, 256, GFX_FMT_ARGB8888);
		}
	}
	reset_ring();
	CHECK(finish(2000), "device did not survive random commands");
	CHECK(kill(device_pid, 0) == 0);
}

int main(int argc, char **argv)
{
	static const char *const args[] = { "--vram", "16", "--mode", "320x240@60", NULL };
	int status = 0, rc;

	if (dp_init(&dev) < 0)
		return 1;
	dp_start(&dev, args);
	rc = client_open();
	if (rc) {
		printf("FAIL device_handshake: client_open returned %d\n", rc);
		kill(device_pid, SIGKILL);
		return 1;
	}
	printf("PASS device_handshake\n");
	ring_start();

	run_test("device_identity", test_identity, NULL);
	run_test("device_fill_fence_irq", test_fill_fence_irq, NULL);
	run_test("device_ring_wrap", test_ring_wrap, NULL);
	run_test("device_full_ring", test_full_ring, NULL);
	run_test("device_bad_commands", test_bad_commands, NULL);
	run_test("device_bad_ring_registers", test_bad_ring_regs, NULL);
	run_test("device_reset_counts", test_reset_counts, NULL);
	run_test("device_flip_at_vblank", test_flip, NULL);
	run_test("device_screenshot_exact", test_screenshot, NULL);
	run_test("device_screenshot_formats", test_screenshot_formats, NULL);
	run_test("device_vblank_rate", test_vblank_rate, NULL);
	run_test("device_wait_vblank", test_wait_vblank, NULL);
	run_test("device_vblank_look", test_vblank_look, NULL);
	run_test("device_second_client_refused", test_second_client_refused, NULL);
	run_test("device_hang_and_reset", test_hang_and_reset, NULL);
	run_test("device_drop_irqs", test_drop_irqs, NULL);
	run_test("device_delay_irqs", test_delay_irqs, NULL);
	run_test("device_irq_master", test_irq_master, NULL);
	run_test("device_input_fifo", test_input, NULL);
	run_test("device_scribbled_ring", test_scribbler, NULL);
	run_test("device_reconnect_quiesce", test_reconnect, NULL);

	/* Keep the mapping to see the device leave: all-ones, like a PCI device gone from the bus. */
	uint8_t *bar2 = cl.bar2;
	uint64_t size = cl.size;
	cl.bar2 = NULL;
	client_close();
	status = dp_stop(&dev);
	if (*(volatile uint32_t *)(bar2 + GFX_REG_STATUS) == 0xffffffffu &&
	    *(volatile uint32_t *)(bar2 + GFX_REG_MAGIC) == 0xffffffffu)
		printf("PASS device_gone_reads_all_ones\n");
	else {
		printf("FAIL device_gone_reads_all_ones: STATUS 0x%08x\n", *(volatile uint32_t *)(bar2 + GFX_REG_STATUS));
		test_state.total_failed++;
	}
	munmap(bar2, size);
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		printf("FAIL device_clean_exit: status 0x%x\n", status);
		test_state.total_failed++;
	} else {
		printf("PASS device_clean_exit\n");
	}
	char shot[300];
	snprintf(shot, sizeof(shot), "%s/shot.png", dev.dir);
	unlink(shot);
	rmdir(dev.dir);
	return TEST_EXIT();
}
