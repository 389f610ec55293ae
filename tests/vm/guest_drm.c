/* SPDX-License-Identifier: MIT */
/*
 * guest_drm.c - gfx-vm-drm, the guest side of the gfx_drm cases
 * (tests/vm/guest_drm.sh). Talks to the driver through libdrm only.
 *
 *   gfx-vm-drm uapi VRAM WxH@MHZ   params, BOs, a relocated fill, every refusal
 *                                  and its errno, device errors, syncobj, WAIT
 *                                  by BO, PRIME, dumb buffers, ring wrap
 *   gfx-vm-drm kms SHOT            modeset, legacy and atomic flips at the
 *                                  mode's rate, drmWaitVBlank, ring order of
 *                                  flips after renders; SHOT the screenshot
 *   gfx-vm-drm hang                (asks the host for `gfx-ctl hang`) the job
 *                                  fails with DRM_GFX_ERR_HANG; drawing works
 *   gfx-vm-drm dropped             FENCE and ERROR interrupts the device drops
 *                                  (gfx-ctl drop-irqs): the hangcheck's poll
 *                                  completes the jobs, no reset
 *   gfx-vm-drm two                 two files: one's garbage and hang do not
 *                                  touch the other's pictures
 *   gfx-vm-drm fuzz N [SEED]       N random and half-valid submits, GEM and
 *                                  PRIME sequences; the device draws after
 *   gfx-vm-drm spin READY          submit and allocate forever (kill -9 test)
 *   gfx-vm-drm settle VRAM_FREE    within 10 s: no job pending, VRAM_FREE back
 *   gfx-vm-drm state               prints vram_free
 *   gfx-vm-drm hold READY          hold the card open with a mapping until the
 *                                  device is unbound: ENODEV, mapping gone
 *   gfx-vm-drm rebind PCI N [hold] N sysfs unbind + bind (with a client open)
 *   gfx-vm-drm reload KO N         N rmmod + insmod of gfx_drm.ko
 *   gfx-vm-drm gbm SHOT            Mesa GBM: scanout buffers, map, draw, flip
 *   gfx-vm-drm bench               SUBMIT's cost by stream size (refused, queued)
 *   gfx-vm-drm shot FILE X,Y=RRGGBB...  pixels of a screenshot
 *   gfx-vm-drm diff A B            differing pixels of two screenshots: count,
 *                                  box and distinct colours inside it (A "-":
 *                                  black, for a screen that showed nothing)
 *
 * Each prints one "ok ..." line and exits 0, or prints why and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef HAVE_GBM
#include <gbm.h>
#endif
#include <inttypes.h>
#include <png.h>
#include <pthread.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "gfx_drm.h"
#include "gfx_hw.h"

#define SEC 1000000000LL
#define MS 1000000LL
#define FAIL(...) do { printf(__VA_ARGS__); putchar('\n'); return 1; } while (0)
#define CHECK(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f)
		fclose(f);
}

#include "vm_drm.h"

/* Fill (x, y, w, h) of a W-wide XRGB buffer with colour and wait for it. */
static int draw(int fd, struct bo *bo, uint32_t bw, uint32_t bh, uint32_t color,
		uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	static struct job j;
	uint64_t seq;
	int r;

	job_reset(&j);
	job_surface(&j, GFX_SURFACE_DST, bo->handle, 0, bw, bh, bw * 4, GFX_FMT_XRGB8888);
	job_fill(&j, color, x, y, w, h);
	r = job_submit(fd, &j, 0, &seq);
	return r ? r : wait_seq(fd, seq, 10 * SEC, NULL);
}

/* Every pixel of the bw x bh XRGB buffer: inside (x, y, w, h) in, else out (RGB). */
static int check_rect(const uint32_t *p, uint32_t bw, uint32_t bh, uint32_t x, uint32_t y,
		      uint32_t w, uint32_t h, uint32_t in, uint32_t out)
{
	for (uint32_t py = 0; py < bh; py++) {
		for (uint32_t px = 0; px < bw; px++) {
			bool inside = px >= x && px < x + w && py >= y && py < y + h;
			uint32_t want = (inside ? in : out) & 0xffffff, got = p[py * bw + px] & 0xffffff;

			if (got != want) {
				printf("pixel (%u,%u) is %06x, want %06x\n", px, py, got, want);
				return 1;
			}
		}
	}
	return 0;
}

/* ---- screenshots (the host's gfx-ctl through $GFX_CTL) ---- */

static int host_ctl(const char *args)
{
	const char *ctl = getenv("GFX_CTL");
	char cmd[512];

	if (!ctl)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s %s >/dev/null", ctl, args);
	return system(cmd);
}

struct shot {
	uint32_t w, h;
	uint8_t *rgb;
};

static int shot_load(const char *path, struct shot *s)
{
	png_image img = { .version = PNG_IMAGE_VERSION };

	if (!png_image_begin_read_from_file(&img, path))
		return -1;
	img.format = PNG_FORMAT_RGB;
	s->w = img.width;
	s->h = img.height;
	s->rgb = malloc(PNG_IMAGE_SIZE(img));
	if (!s->rgb || !png_image_finish_read(&img, NULL, s->rgb, 0, NULL)) {
		png_image_free(&img);
		return -1;
	}
	return 0;
}

static uint32_t shot_px(const struct shot *s, uint32_t x, uint32_t y)
{
	const uint8_t *p = s->rgb + 3 * ((size_t)y * s->w + x);

	return (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
}

static int take_shot(const char *path, struct shot *s)
{
	if (host_ctl("screenshot") < 0)
		return -1;
	char args[300];

	snprintf(args, sizeof(args), "screenshot %s", path);
	if (host_ctl(args) != 0 || shot_load(path, s))
		return -1;
	return 0;
}

/* "X,Y=RRGGBB" checks against a screenshot. */
static int shot_expect(const struct shot *s, int n, char **specs)
{
	for (int i = 0; i < n; i++) {
		unsigned x, y, rgb;

		if (sscanf(specs[i], "%u,%u=%x", &x, &y, &rgb) != 3 || x >= s->w || y >= s->h)
			FAIL("bad pixel spec '%s' for a %ux%u picture", specs[i], s->w, s->h);
		CHECK(shot_px(s, x, y) == rgb, "screenshot pixel (%u,%u) is %06x, want %06x",
		      x, y, shot_px(s, x, y), rgb);
	}
	return 0;
}

static int cmd_shot(const char *file, int n, char **specs)
{
	struct shot s;

	CHECK(!shot_load(file, &s), "cannot read %s", file);
	if (shot_expect(&s, n, specs))
		return 1;
	printf("ok %d pixels as expected\n", n);
	return 0;
}

static int cmd_diff(const char *a, const char *b)
{
	uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0, colors = 0;
	static uint8_t seen[1 << 21];	/* a bit per 24-bit colour */
	struct shot s, t;
	uint64_t n = 0;

	CHECK(!shot_load(b, &t), "cannot read %s", b);
	if (!strcmp(a, "-")) {	/* a black picture: nothing was on screen */
		s = (struct shot){ t.w, t.h, calloc((size_t)t.w * t.h, 3) };
		CHECK(s.rgb, "out of memory");
	} else {
		CHECK(!shot_load(a, &s), "cannot read %s", a);
	}
	CHECK(s.w == t.w && s.h == t.h, "sizes differ");
	for (uint32_t y = 0; y < s.h; y++) {
		for (uint32_t x = 0; x < s.w; x++) {
			uint32_t p = shot_px(&t, x, y);

			if (p == shot_px(&s, x, y))
				continue;
			n++;
			x0 = x < x0 ? x : x0;
			y0 = y < y0 ? y : y0;
			x1 = x > x1 ? x : x1;
			y1 = y > y1 ? y : y1;
			if (!(seen[p >> 3] & (1 << (p & 7))))
				colors++;
			seen[p >> 3] |= 1 << (p & 7);
		}
	}
	if (!n)
		printf("ok 0 0 0 0 0 0\n");
	else
		printf("ok %" PRIu64 " %u %u %u %u %u\n", n, x0, y0, x1 - x0 + 1, y1 - y0 + 1, colors);
	return 0;
}

/* ---- uapi ---- */

static struct job J;
static int n_refused;

/* The stream in J is refused with errno want, and nothing reaches the ring. */
static int refused(int fd, const char *what, int want)
{
	uint64_t before = param(fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0);
	int r = job_submit(fd, &J, 0, NULL);

	CHECK(r == -want, "%s: submit returned %d (%s), want -%s", what, r, strerror(-r),
	      strerror(want));
	CHECK(param(fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0) == before, "%s: a job was queued", what);
	n_refused++;
	return 0;
}

static int uapi_params(int fd, uint64_t vram, uint32_t w, uint32_t h, uint32_t mhz)
{
	static const uint32_t want[] = { GFX_FMT_XRGB8888, GFX_FMT_ARGB8888, GFX_FMT_XBGR8888,
					 GFX_FMT_ABGR8888, GFX_FMT_RGB565 };
	struct drm_gfx_get_param p = { .param = DRM_GFX_PARAM_COUNT };
	uint64_t n = param(fd, DRM_GFX_PARAM_FORMAT_COUNT, 0);

	CHECK(param(fd, DRM_GFX_PARAM_VERSION, 0) >> 16 == GFX_VERSION_MAJOR, "VERSION %#" PRIx64 ", want major %u",
	      param(fd, DRM_GFX_PARAM_VERSION, 0), GFX_VERSION_MAJOR);
	CHECK(param(fd, DRM_GFX_PARAM_VRAM_SIZE, 0) == vram, "VRAM_SIZE %" PRIu64 ", want %" PRIu64,
	      param(fd, DRM_GFX_PARAM_VRAM_SIZE, 0), vram);
	CHECK(param(fd, DRM_GFX_PARAM_MODE_WIDTH, 0) == w && param(fd, DRM_GFX_PARAM_MODE_HEIGHT, 0) == h &&
	      param(fd, DRM_GFX_PARAM_MODE_REFRESH, 0) == mhz, "mode params differ from the device's");
	CHECK(param(fd, DRM_GFX_PARAM_MAX_CMD_WORDS, 0) == GFX_MAX_CMD_WORDS, "MAX_CMD_WORDS");
	CHECK(param(fd, DRM_GFX_PARAM_MAX_SUBMIT_WORDS, 0) >= GFX_MAX_CMD_WORDS, "MAX_SUBMIT_WORDS");
	CHECK(param(fd, DRM_GFX_PARAM_CAPS, 0) == (GFX_CAP_BILINEAR | GFX_CAP_FORMAT_CONVERT | GFX_CAP_FLIP_LOG), "CAPS");
	CHECK(n == 5, "FORMAT_COUNT %" PRIu64, n);
	for (uint32_t i = 0; i < n; i++)
		CHECK(param(fd, DRM_GFX_PARAM_FORMAT, i) == want[i], "FORMAT %u", i);
	CHECK(param(fd, DRM_GFX_PARAM_FORMAT, 5) == UINT64_MAX && errno == EINVAL, "FORMAT 5 accepted");
	CHECK(ioc(fd, DRM_IOCTL_GFX_GET_PARAM, &p) == -EINVAL, "unknown param accepted");
	p = (struct drm_gfx_get_param){ .param = DRM_GFX_PARAM_CAPS, .index = 1 };
	CHECK(ioc(fd, DRM_IOCTL_GFX_GET_PARAM, &p) == -EINVAL, "index on a plain param accepted");
	CHECK(param(fd, DRM_GFX_PARAM_SEQNO_DONE, 0) <= param(fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0),
	      "SEQNO_DONE past SEQNO_SUBMITTED");
	return 0;
}

static int uapi_bo(int fd)
{
	uint64_t vram = param(fd, DRM_GFX_PARAM_VRAM_SIZE, 0), free0 = param(fd, DRM_GFX_PARAM_VRAM_FREE, 0);
	struct drm_gfx_bo_create c = { .size = 4096, .flags = 1 };
	struct drm_gfx_bo_info i = { .handle = 0xdead };
	struct bo bo;

	CHECK(ioc(fd, DRM_IOCTL_GFX_BO_CREATE, &c) == -EINVAL, "BO_CREATE flags 1 accepted");
	c = (struct drm_gfx_bo_create){ .size = 0 };
	CHECK(ioc(fd, DRM_IOCTL_GFX_BO_CREATE, &c) == -EINVAL, "BO_CREATE size 0 accepted");
	c.size = vram + 1;
	CHECK(ioc(fd, DRM_IOCTL_GFX_BO_CREATE, &c) == -EINVAL, "BO_CREATE past VRAM accepted");
	c.size = free0 + 4096;
	CHECK(ioc(fd, DRM_IOCTL_GFX_BO_CREATE, &c) == -ENOMEM, "BO_CREATE larger than VRAM_FREE: not ENOMEM");
	CHECK(ioc(fd, DRM_IOCTL_GFX_BO_INFO, &i) == -ENOENT, "BO_INFO of a bad handle: not ENOENT");
	CHECK(!bo_new(fd, 65537, &bo), "BO_CREATE 65537: %s", strerror(errno));
	CHECK(bo.size == 69632 && bo.offset >= GFX_VRAM_START && bo.offset + bo.size <= vram &&
	      bo.offset % 4096 == 0, "BO size %" PRIu64 " offset %#" PRIx64, bo.size, bo.offset);
	CHECK(param(fd, DRM_GFX_PARAM_VRAM_FREE, 0) == free0 - bo.size, "VRAM_FREE did not drop by the size");
	i = (struct drm_gfx_bo_info){ .handle = bo.handle, .context = 1 };
	CHECK(ioc(fd, DRM_IOCTL_GFX_BO_INFO, &i) == -EINVAL, "BO_INFO with context 1 in accepted");
	for (uint32_t k = 0; k < bo.size / 4; k++)
		CHECK(bo.map[k] == 0, "a new buffer is not cleared: word %u is %#x", k, bo.map[k]);
	for (uint32_t k = 0; k < bo.size / 4; k++)
		bo.map[k] = k * 2654435761u;
	for (uint32_t k = 0; k < bo.size / 4; k++)
		CHECK(bo.map[k] == k * 2654435761u, "mmap readback differs at word %u", k);
	CHECK(mmap(NULL, bo.size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, (off_t)bo.mmap_offset) ==
	      MAP_FAILED && errno == EINVAL, "a private writable mapping of VRAM was allowed");
	bo_close(fd, &bo);
	for (int k = 0; k < 200 && param(fd, DRM_GFX_PARAM_VRAM_FREE, 0) != free0; k++)
		usleep(10000);
	CHECK(param(fd, DRM_GFX_PARAM_VRAM_FREE, 0) == free0, "VRAM_FREE not back after close");
	return 0;
}

/* A 256x64 XRGB buffer, a surface at row 8 of it, one relocated fill. */
static int uapi_fill(int fd, struct bo *bo)
{
	uint64_t seq;

	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 8 * 1024, 256, 32, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xff112233, 10, 4, 20, 6);
	CHECK(!job_submit(fd, &J, 0, &seq), "fill: %s", strerror(errno));
	CHECK(!wait_seq(fd, seq, 10 * SEC, NULL), "fill: WAIT failed");
	return check_rect(bo->map, 256, 64, 10, 12, 20, 6, 0x112233, 0);
}

static int uapi_refusals_ops(int fd, struct bo *bo)
{
	static const uint32_t kernel_ops[][2] = {
		{ GFX_CMD(GFX_OP_FENCE, 0, 3), 3 }, { GFX_CMD(GFX_OP_FLIP, 0, 8), 8 },
		{ GFX_CMD(GFX_OP_WAIT_VBLANK, 0, 1), 1 }, { GFX_CMD(0x0a, 0, 2), 2 },
		{ GFX_CMD(0xff, 0, 1), 1 },
	};

	for (unsigned k = 0; k < 5; k++) {
		job_reset(&J);
		job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
		J.w[J.n] = kernel_ops[k][0];
		J.n += kernel_ops[k][1];
		if (refused(fd, "FENCE/FLIP/WAIT_VBLANK/unknown opcode", EINVAL))
			return 1;
	}
	job_reset(&J);
	J.w[J.n++] = GFX_CMD(GFX_OP_SET_SURFACE, 0, 6);
	J.n += 5;
	J.bos[J.nbos++] = bo->handle;
	if (refused(fd, "SET_SURFACE without reloc", EINVAL))
		return 1;
	job_reset(&J);
	job_fill(&J, 0, 0, 0, 1, 1);
	J.bos[J.nbos++] = bo->handle;
	J.rel[J.nrel++] = (struct drm_gfx_reloc){ 0, 0 };
	if (refused(fd, "reloc on a FILL", EINVAL))
		return 1;
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	J.rel[0].cmd_word = 1;
	if (refused(fd, "reloc inside a command", EINVAL))
		return 1;
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	J.rel[J.nrel++] = (struct drm_gfx_reloc){ 40, 0 };
	if (refused(fd, "reloc past the stream", EINVAL))
		return 1;
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	job_surface(&J, GFX_SURFACE_SRC, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	J.rel[0].cmd_word = 6;
	J.rel[1].cmd_word = 0;
	if (refused(fd, "relocs out of order", EINVAL))
		return 1;
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	J.rel[0].bo_index = 1;
	return refused(fd, "reloc bo_index past bo_count", EINVAL);
}

static int uapi_refusals_surface(int fd, struct bo *bo)
{
	const struct { const char *what; uint32_t off, w, h, stride, fmt; } bad[] = {
		{ "surface one pixel past its buffer", 4096 - 60, 16, 16, 64, GFX_FMT_XRGB8888 },
		{ "surface past its buffer", 0, 256, 1024, 1024, GFX_FMT_XRGB8888 },
		{ "surface offset past its buffer", 0x7ffffffc, 1, 1, 4, GFX_FMT_XRGB8888 },
		{ "unaligned offset", 2, 4, 4, 16, GFX_FMT_XRGB8888 },
		{ "unaligned stride", 0, 4, 4, 18, GFX_FMT_XRGB8888 },
		{ "stride below width * bpp", 0, 16, 4, 60, GFX_FMT_XRGB8888 },
		{ "stride over 1 MiB", 0, 1, 1, (1u << 20) + 4, GFX_FMT_XRGB8888 },
		{ "zero width", 0, 0, 4, 64, GFX_FMT_XRGB8888 },
		{ "zero height", 0, 4, 0, 64, GFX_FMT_XRGB8888 },
		{ "width over 16384", 0, 16385, 1, 65540, GFX_FMT_XRGB8888 },
		{ "unknown format", 0, 4, 4, 64, GFX_FOURCC('Y', 'U', 'Y', 'V') },
	};

	/* bo is 64 KiB: the first line's surface ends 4 bytes past 4096 + 60 ... */
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		uint32_t off = bad[k].off;

		if (k == 0)	/* the last row ends exactly one pixel past the end */
			off = (uint32_t)bo->size - 15 * 64 - 16 * 4 + 4;
		job_reset(&J);
		job_surface(&J, GFX_SURFACE_DST, bo->handle, off, bad[k].w, bad[k].h, bad[k].stride,
			    bad[k].fmt);
		job_fill(&J, 0, 0, 0, 1, 1);
		if (refused(fd, bad[k].what, EINVAL))
			return 1;
	}
	/* The same surface one pixel shorter is fine. */
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, (uint32_t)bo->size - 15 * 64 - 16 * 4, 16, 16,
		    64, GFX_FMT_XRGB8888);
	job_fill(&J, 0xff00ff00, 0, 0, 16, 16);
	CHECK(!job_submit(fd, &J, 0, NULL), "a surface ending at the buffer's end: %s", strerror(errno));
	return 0;
}

static int uapi_refusals_state(int fd, struct bo *bo)
{
	job_reset(&J);
	job_fill(&J, 0, 0, 0, 1, 1);
	if (refused(fd, "FILL with no surface", EINVAL))
		return 1;
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	job_copy(&J, 0, 0, 1, 1, 2, 2);
	if (refused(fd, "COPY with no SRC", EINVAL))
		return 1;
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_SRC, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	job_copy(&J, 0, 0, 1, 1, 2, 2);
	if (refused(fd, "COPY with no DST", EINVAL))
		return 1;
	/* Surfaces set by an earlier job do not count. */
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	CHECK(!job_submit(fd, &J, 0, NULL), "a lone SET_SURFACE: %s", strerror(errno));
	job_reset(&J);
	job_fill(&J, 0, 0, 0, 1, 1);
	J.bos[J.nbos++] = bo->handle;
	return refused(fd, "FILL on the previous job's surface", EINVAL);
}

static int uapi_refusals_lengths(int fd, struct bo *bo)
{
	job_reset(&J);
	J.w[J.n++] = GFX_CMD(GFX_OP_NOP, 0, 0);
	if (refused(fd, "header with 0 words", EINVAL))
		return 1;
	job_reset(&J);
	J.w[J.n++] = GFX_CMD(GFX_OP_NOP, 0, 3);
	J.w[J.n++] = 0;
	if (refused(fd, "command past the end", EINVAL))
		return 1;
	job_reset(&J);
	J.w[0] = GFX_CMD(GFX_OP_NOP, 0, GFX_MAX_CMD_WORDS + 1);
	J.n = GFX_MAX_CMD_WORDS + 1;
	if (refused(fd, "command over MAX_CMD_WORDS", EINVAL))
		return 1;
	J.w[0] = GFX_CMD(GFX_OP_NOP, 0, GFX_MAX_CMD_WORDS);
	J.w[GFX_MAX_CMD_WORDS] = GFX_CMD(GFX_OP_NOP, 0, 1);
	CHECK(!job_submit(fd, &J, 0, NULL), "a NOP of MAX_CMD_WORDS: %s", strerror(errno));
	(void)bo;
	return 0;
}

/* Argument checks and pointers: each refused with its errno before the ring. */
static int uapi_refusals_args(int fd, struct bo *bo)
{
	uint32_t max = (uint32_t)param(fd, DRM_GFX_PARAM_MAX_SUBMIT_WORDS, 0);
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *none = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t before = param(fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0);
	const struct { const char *what; int err; } want[] = {
		{ "cmd_words 0", EINVAL }, { "cmd_words over MAX_SUBMIT_WORDS", EINVAL },
		{ "bo_count over DRM_GFX_MAX_BOS", EINVAL }, { "huge reloc_count", EINVAL },
		{ "flags 1", EINVAL }, { "pad 1", EINVAL }, { "bad handle", ENOENT },
		{ "a buffer listed twice", EINVAL }, { "bad out_sync", ENOENT },
		{ "cmds NULL", EFAULT }, { "cmds unmapped", EFAULT }, { "cmds past a mapping", EFAULT },
		{ "bos unmapped", EFAULT }, { "relocs unmapped", EFAULT },
		{ "kernel pointer", EFAULT },
	};

	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 16, 16, 64, GFX_FMT_XRGB8888);
	job_fill(&J, 0, 0, 0, 1, 1);
	for (unsigned k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		uint32_t twice[2] = { bo->handle, bo->handle }, bad = 0xbad0;
		struct drm_gfx_submit s = {
			.cmds = (uintptr_t)J.w, .cmd_words = J.n, .bos = (uintptr_t)J.bos,
			.bo_count = J.nbos, .relocs = (uintptr_t)J.rel, .reloc_count = J.nrel,
		};
		int r;

		switch (k) {
		case 0: s.cmd_words = 0; break;
		case 1: s.cmd_words = max + 1; break;
		case 2: s.bo_count = DRM_GFX_MAX_BOS + 1; break;
		case 3: s.reloc_count = 0xffffffff; break;
		case 4: s.flags = 1; break;
		case 5: s.pad = 1; break;
		case 6: s.bos = (uintptr_t)&bad; break;
		case 7: s.bos = (uintptr_t)twice; s.bo_count = 2; break;
		case 8: s.out_sync = 0xbad; break;
		case 9: s.cmds = 0; break;
		case 10: s.cmds = (uintptr_t)none; break;
		case 11: s.cmds = (uintptr_t)(none - 4); break;
		case 12: s.bos = (uintptr_t)none; break;
		case 13: s.relocs = (uintptr_t)none; break;
		case 14: s.cmds = 0xffff888000000000ull; break;
		}
		r = ioc(fd, DRM_IOCTL_GFX_SUBMIT, &s);
		CHECK(r == -want[k].err, "%s: submit returned %d (%s), want -%s", want[k].what, r,
		      strerror(-r), strerror(want[k].err));
		n_refused++;
	}
	CHECK(param(fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0) == before, "a refused submit was queued");
	munmap(none, (size_t)page);
	return 0;
}

/* A clip set by one job does not reach the next: it fills everything. */
static int uapi_clip(int fd, struct bo *bo)
{
	uint64_t seq;

	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_clip(&J, 0, 0, 1, 1);
	job_fill(&J, 0xff0000ff, 0, 0, 256, 64);
	CHECK(!job_submit(fd, &J, 0, NULL), "clip job: %s", strerror(errno));
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xffabcdef, 0, 0, 256, 64);
	CHECK(!job_submit(fd, &J, 0, &seq) && !wait_seq(fd, seq, 10 * SEC, NULL), "second job failed");
	return check_rect(bo->map, 256, 64, 0, 0, 256, 64, 0xabcdef, 0);
}

/* A rectangle past the surface: -EIO, its code and word; the job and later ones go on. */
static int uapi_device_error(int fd, struct bo *bo)
{
	uint64_t errors = param(fd, DRM_GFX_PARAM_ERROR_COUNT, 0), seq, seq2;
	struct drm_gfx_wait w;
	uint32_t word;
	int r;

	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xff000000, 0, 0, 256, 64);
	word = J.n;
	job_fill(&J, 0xffffffff, 250, 0, 10, 10);		/* GFX_ERR_RECT_OOB */
	job_fill(&J, 0xff445566, 0, 0, 8, 8);			/* still runs */
	CHECK(!job_submit(fd, &J, 0, &seq), "error job: %s", strerror(errno));
	r = wait_seq(fd, seq, 10 * SEC, &w);
	CHECK(r == -EIO && w.error_code == GFX_ERR_RECT_OOB && w.error_word == word,
	      "WAIT on a rejected command: %d code %u word %u, want -EIO code %u word %u", r,
	      w.error_code, w.error_word, GFX_ERR_RECT_OOB, word);
	CHECK(param(fd, DRM_GFX_PARAM_ERROR_COUNT, 0) == errors + 1, "ERROR_COUNT did not grow by 1");
	if (check_rect(bo->map, 256, 64, 0, 0, 8, 8, 0x445566, 0))
		return 1;
	r = wait_bo(fd, bo->handle, 10 * SEC, &w);
	CHECK(r == -EIO && w.error_code == GFX_ERR_RECT_OOB, "WAIT_BO after the error: %d code %u",
	      r, w.error_code);
	CHECK(!draw(fd, bo, 256, 64, 0xff778899, 0, 0, 256, 64), "the job after the error failed");
	if (check_rect(bo->map, 256, 64, 0, 0, 256, 64, 0x778899, 0))
		return 1;
	seq2 = param(fd, DRM_GFX_PARAM_SEQNO_DONE, 0);
	CHECK(seq2 > seq, "SEQNO_DONE did not pass the failed job");
	r = wait_seq(fd, seq, 0, &w);
	CHECK(r == -EIO && w.error_code == GFX_ERR_RECT_OOB && w.error_word == word,
	      "WAIT on the failed job after it retired: %d", r);
	return 0;
}

static int uapi_waits(int fd, struct bo *bo)
{
	uint64_t sub = param(fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0), seq;
	struct drm_gfx_wait w = { .seqno = sub + 1 };
	uint32_t sync;
	int64_t dl;

	CHECK(ioc(fd, DRM_IOCTL_GFX_WAIT, &w) == -EINVAL, "WAIT on a seqno never handed out");
	w = (struct drm_gfx_wait){ .seqno = 0 };
	CHECK(ioc(fd, DRM_IOCTL_GFX_WAIT, &w) == -EINVAL, "WAIT on seqno 0");
	w = (struct drm_gfx_wait){ .seqno = sub, .flags = 2 };
	CHECK(ioc(fd, DRM_IOCTL_GFX_WAIT, &w) == -EINVAL, "WAIT flags 2");
	w = (struct drm_gfx_wait){ .handle = 0xbad, .flags = DRM_GFX_WAIT_BO };
	CHECK(ioc(fd, DRM_IOCTL_GFX_WAIT, &w) == -ENOENT, "WAIT_BO on a bad handle");
	CHECK(!drmSyncobjCreate(fd, 0, &sync), "syncobj create");
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	for (int k = 0; k < 200; k++)
		job_fill(&J, 0xff000000 | (uint32_t)k, 0, 0, 256, 64);
	CHECK(!job_submit(fd, &J, sync, &seq), "syncobj job: %s", strerror(errno));
	dl = now_ns() + 10 * SEC;
	CHECK(!drmSyncobjWait(fd, &sync, 1, dl, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL),
	      "syncobj not signalled: %s", strerror(errno));
	CHECK(!wait_bo(fd, bo->handle, 0, NULL), "WAIT_BO polling after the syncobj signalled");
	CHECK(!wait_seq(fd, seq, 0, NULL), "WAIT polling after the syncobj signalled");
	drmSyncobjDestroy(fd, sync);
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xff0a0b0c, 0, 0, 256, 64);
	CHECK(!job_submit(fd, &J, 0, NULL), "WAIT_BO job: %s", strerror(errno));
	CHECK(!wait_bo(fd, bo->handle, 10 * SEC, NULL), "WAIT_BO failed: %s", strerror(errno));
	return check_rect(bo->map, 256, 64, 0, 0, 256, 64, 0x0a0b0c, 0);
}

/* Export, import in the same and another file: one object, shared pixels. */
static int uapi_prime(int fd, int rfd, struct bo *bo)
{
	struct drm_gfx_bo_info i = { 0 };
	uint32_t h1, h2, *dm;
	uint64_t seq;
	int dmabuf;

	CHECK(!drmPrimeHandleToFD(fd, bo->handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf), "export: %s",
	      strerror(errno));
	CHECK(!drmPrimeFDToHandle(fd, dmabuf, &h1) && h1 == bo->handle,
	      "self-import gave handle %u, not %u", h1, bo->handle);
	CHECK(!drmPrimeFDToHandle(rfd, dmabuf, &h2), "import on the render node: %s", strerror(errno));
	i.handle = h2;
	CHECK(!ioc(rfd, DRM_IOCTL_GFX_BO_INFO, &i) && i.offset == bo->offset && i.size == bo->size,
	      "the imported object is another one (offset %#llx)", (unsigned long long)i.offset);
	dm = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	CHECK(dm != MAP_FAILED, "mmap of the dma-buf: %s", strerror(errno));
	for (uint32_t k = 0; k < 256 * 64; k++)
		dm[k] = 0x00123456;
	if (check_rect(bo->map, 256, 64, 0, 0, 0, 0, 0, 0x123456))
		return 1;
	/* Implicit sync through the dma-buf: poll() for POLLIN waits for the job's write fence. */
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, h2, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	for (int k = 0; k < 500; k++)
		job_fill(&J, 0xff000000 | (uint32_t)k, 0, 0, 256, 64);
	job_fill(&J, 0xff123456, 0, 0, 256, 64);
	job_fill(&J, 0xff654321, 16, 16, 32, 32);
	CHECK(!job_submit(rfd, &J, 0, &seq), "a job on the imported handle: %s", strerror(errno));
	{
		struct pollfd pfd = { .fd = dmabuf, .events = POLLIN };

		CHECK(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN), "poll on the dma-buf: no POLLIN");
	}
	CHECK(!wait_seq(rfd, seq, 0, NULL), "POLLIN on the dma-buf before the job completed");
	if (check_rect(dm, 256, 64, 16, 16, 32, 32, 0x654321, 0x123456))
		return 1;
	munmap(dm, bo->size);
	close(dmabuf);
	gem_close(rfd, h2);
	return 0;
}

/* Another driver's dma-buf (vgem, if loaded) is refused; ours does not attach there. */
static int uapi_foreign(int fd, struct bo *bo, int *tested)
{
	struct drm_mode_create_dumb d = { .width = 64, .height = 64, .bpp = 32 };
	int vfd = -1, dmabuf, r;
	uint32_t h;

	for (int i = 0; i < 16 && vfd < 0; i++) {
		char p[32];
		drmVersionPtr v;

		snprintf(p, sizeof(p), "/dev/dri/card%d", i);
		vfd = open(p, O_RDWR | O_CLOEXEC);
		v = vfd >= 0 ? drmGetVersion(vfd) : NULL;
		if (!v || strcmp(v->name, "vgem")) {
			if (vfd >= 0)
				close(vfd);
			vfd = -1;
		}
		drmFreeVersion(v);
	}
	*tested = vfd >= 0;
	if (vfd < 0)
		return 0;
	CHECK(!ioc(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &d), "vgem dumb: %s", strerror(errno));
	CHECK(!drmPrimeHandleToFD(vfd, d.handle, DRM_CLOEXEC, &dmabuf), "vgem export");
	r = drmPrimeFDToHandle(fd, dmabuf, &h) ? -errno : 0;
	CHECK(r == -EINVAL, "importing vgem's buffer: %d, want -EINVAL", r);
	close(dmabuf);
	CHECK(!drmPrimeHandleToFD(fd, bo->handle, DRM_CLOEXEC, &dmabuf), "export");
	r = drmPrimeFDToHandle(vfd, dmabuf, &h) ? -errno : 0;
	CHECK(r < 0, "vgem imported our VRAM buffer");
	close(dmabuf);
	close(vfd);
	return 0;
}

static int uapi_dumb(int fd)
{
	struct drm_mode_create_dumb d = { .width = 100, .height = 10, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	uint32_t *p;

	CHECK(!ioc(fd, DRM_IOCTL_MODE_CREATE_DUMB, &d), "dumb create: %s", strerror(errno));
	CHECK(d.pitch == 448 && d.size >= 4480, "dumb 100x10: pitch %u size %llu", d.pitch,
	      (unsigned long long)d.size);
	m.handle = d.handle;
	CHECK(!ioc(fd, DRM_IOCTL_MODE_MAP_DUMB, &m), "map dumb: %s", strerror(errno));
	p = mmap(NULL, d.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	CHECK(p != MAP_FAILED, "mmap dumb: %s", strerror(errno));
	p[0] = 0x1234;
	CHECK(p[0] == 0x1234 && p[1] == 0, "dumb readback");
	munmap(p, d.size);
	gem_close(fd, d.handle);
	d = (struct drm_mode_create_dumb){ .width = 16385, .height = 1, .bpp = 32 };
	CHECK(ioc(fd, DRM_IOCTL_MODE_CREATE_DUMB, &d) == -EINVAL, "dumb 16385 wide accepted");
	return 0;
}

/* Jobs that wrap the 256 KiB ring several times, most of them waiting for room. */
static int uapi_ring_wrap(int fd, struct bo *bo, int *jobs)
{
	uint64_t seq = 0;

	*jobs = 0;
	for (uint32_t k = 0; k < 160; k++, (*jobs)++) {
		job_reset(&J);
		job_surface(&J, GFX_SURFACE_DST, bo->handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
		while (J.n < 2000)
			job_fill(&J, 0xff000000 | k, k % 200, 0, 56, 64);
		CHECK(!job_submit(fd, &J, 0, &seq), "ring wrap job %u: %s", k, strerror(errno));
	}
	CHECK(!wait_seq(fd, seq, 30 * SEC, NULL), "the last ring-wrap job failed");
	/* Column x shows the last job that covered it; right of them, uapi_prime's colour. */
	for (uint32_t y = 0; y < 64; y++) {
		for (uint32_t x = 0; x < 256; x++) {
			uint32_t want = x < 159 ? x : x <= 214 ? 159 : 0x123456;

			CHECK((bo->map[y * 256 + x] & 0xffffff) == want, "after the ring wrap (%u,%u) is %06x, want %06x",
			      x, y, bo->map[y * 256 + x] & 0xffffff, want);
		}
	}
	return 0;
}

static int cmd_uapi(const char *vram, const char *mode)
{
	int fd = must_open(false), rfd = must_open(true), foreign, wrap;
	unsigned w, h, hz, mhz = 0;
	struct bo bo, small;

	if (sscanf(mode, "%ux%u@%u.%u", &w, &h, &hz, &mhz) < 3)
		FAIL("bad mode %s", mode);
	if (uapi_params(fd, strtoull(vram, NULL, 0), w, h, hz * 1000 + mhz) || uapi_bo(fd))
		return 1;
	CHECK(!bo_new(fd, 256 * 64 * 4, &bo) && !bo_new(fd, 4096, &small), "BO_CREATE failed");
	if (uapi_fill(fd, &bo) || uapi_refusals_ops(fd, &small) || uapi_refusals_surface(fd, &bo) ||
	    uapi_refusals_state(fd, &small) || uapi_refusals_lengths(fd, &small) ||
	    uapi_refusals_args(fd, &small) || uapi_clip(fd, &bo) || uapi_device_error(fd, &bo) ||
	    uapi_waits(fd, &bo) || uapi_prime(fd, rfd, &bo) || uapi_foreign(fd, &bo, &foreign) ||
	    uapi_dumb(fd))
		return 1;
	if (uapi_ring_wrap(fd, &bo, &wrap))
		return 1;
	printf("ok params, BOs, a relocated fill, %d refused submits with their errno, device error code and word, "
	       "syncobj, WAIT_BO, PRIME (dma-buf mmap and poll)%s, dumb, %d jobs around the ring\n", n_refused,
	       foreign ? " (vgem's refused both ways)" : "", wrap);
	return 0;
}


/* ---- KMS ---- */

struct kms {
	int fd;
	uint32_t crtc, conn, plane;
	drmModeModeInfo mode;
	uint32_t fb[4], handle[4], pitch[4];
	uint32_t p_fb, p_crtc, p_active, p_mode, p_conn_crtc;	/* property ids */
	int64_t last_ns, req_ns;	/* the last event's time; when the last request was made */
	unsigned last_seq, events;
};

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

/* One CRTC, one connected connector with one mode, one primary plane. */
static int kms_init(struct kms *k, int fd, uint32_t hz)
{
	drmModeResPtr res;
	drmModeConnectorPtr c;
	drmModePlaneResPtr pr;

	memset(k, 0, sizeof(*k));
	k->fd = fd;
	CHECK(!drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) &&
	      !drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1), "client caps: %s", strerror(errno));
	res = drmModeGetResources(fd);
	CHECK(res && res->count_crtcs == 1 && res->count_connectors == 1 && res->count_encoders == 1,
	      "resources: want 1 CRTC, 1 connector, 1 encoder");
	k->crtc = res->crtcs[0];
	k->conn = res->connectors[0];
	drmModeFreeResources(res);
	c = drmModeGetConnector(fd, k->conn);
	CHECK(c && c->connection == DRM_MODE_CONNECTED && c->count_modes == 1,
	      "connector: not connected with exactly one mode");
	k->mode = c->modes[0];
	drmModeFreeConnector(c);
	CHECK(!hz || k->mode.vrefresh == hz, "the mode's vrefresh is %u, want %u", k->mode.vrefresh, hz);
	pr = drmModeGetPlaneResources(fd);
	CHECK(pr && pr->count_planes == 1, "want one plane");
	k->plane = pr->planes[0];
	drmModeFreePlaneResources(pr);
	k->p_fb = prop_id(fd, k->plane, DRM_MODE_OBJECT_PLANE, "FB_ID");
	k->p_crtc = prop_id(fd, k->plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID");
	k->p_active = prop_id(fd, k->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	k->p_mode = prop_id(fd, k->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	k->p_conn_crtc = prop_id(fd, k->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	CHECK(k->p_fb && k->p_crtc && k->p_active && k->p_mode && k->p_conn_crtc, "atomic properties missing");
	return 0;
}

/* A mode-sized dumb buffer as framebuffer i. */
static int kms_fb(struct kms *k, int i)
{
	struct drm_mode_create_dumb d = { .width = k->mode.hdisplay, .height = k->mode.vdisplay, .bpp = 32 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };

	CHECK(!ioc(k->fd, DRM_IOCTL_MODE_CREATE_DUMB, &d), "dumb: %s", strerror(errno));
	k->handle[i] = d.handle;
	k->pitch[i] = d.pitch;
	CHECK(d.pitch % GFX_PITCH_ALIGN == 0, "dumb pitch %u", d.pitch);
	handles[0] = d.handle;
	pitches[0] = d.pitch;
	CHECK(!drmModeAddFB2(k->fd, d.width, d.height, DRM_FORMAT_XRGB8888, handles, pitches,
			     offsets, &k->fb[i], 0), "AddFB2: %s", strerror(errno));
	return 0;
}

/* Quadrant colours q[4] (TL, TR, BL, BR) into buffer i, `repeat` times over; not waited for. */
static int kms_paint(struct kms *k, int i, const uint32_t q[4], int repeat, uint64_t *seq)
{
	uint32_t w = k->mode.hdisplay, h = k->mode.vdisplay;

	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, k->handle[i], 0, w, h, k->pitch[i], GFX_FMT_XRGB8888);
	for (int r = 0; r < repeat; r++)
		job_fill(&J, 0xff000000 | (uint32_t)r, 0, 0, w, h);
	job_fill(&J, q[0], 0, 0, w / 2, h / 2);
	job_fill(&J, q[1], w / 2, 0, w - w / 2, h / 2);
	job_fill(&J, q[2], 0, h / 2, w / 2, h - h / 2);
	job_fill(&J, q[3], w / 2, h / 2, w - w / 2, h - h / 2);
	CHECK(!job_submit(k->fd, &J, 0, seq), "paint: %s", strerror(errno));
	return 0;
}

static void on_flip(int fd, unsigned seq, unsigned sec, unsigned usec, void *data)
{
	struct kms *k = data;

	k->last_seq = seq;
	k->last_ns = (int64_t)sec * SEC + usec * 1000LL;
	k->events++;
	(void)fd;
}

/*
 * Wait (5 s at most) until the event count reaches n. The last event's time
 * is in CLOCK_MONOTONIC and after the request that caused it (a flip or a
 * vblank wait completes at a later vblank): a stale time would mean the
 * vblank was off when the flip was queued.
 */
static int kms_events(struct kms *k, unsigned n)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = on_flip, .vblank_handler = on_flip };
	int64_t end = now_ns() + 5 * SEC, age;

	while (k->events < n) {
		struct timeval tv = { 0, 100000 };
		fd_set set;

		FD_ZERO(&set);
		FD_SET(k->fd, &set);
		if (select(k->fd + 1, &set, NULL, NULL, &tv) > 0)
			drmHandleEvent(k->fd, &ev);
		CHECK(now_ns() < end, "no event after 5 s (%u of %u)", k->events, n);
	}
	age = now_ns() - k->last_ns;
	CHECK(k->last_ns >= k->req_ns - 1000 && age >= 0, "event %u's time is %.3f s before its request",
	      n, (k->req_ns - k->last_ns) / 1e9);
	return 0;
}

static int kms_atomic_flip(struct kms *k, uint32_t fb, uint32_t flags)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int r;

	drmModeAtomicAddProperty(req, k->plane, k->p_fb, fb);
	k->req_ns = now_ns();
	r = drmModeAtomicCommit(k->fd, req, flags | DRM_MODE_PAGE_FLIP_EVENT, k) ? -errno : 0;
	drmModeAtomicFree(req);
	return r;
}

/*
 * What a run of flips or vblank waits says: `rate` the events' own rate (vblanks
 * between the first and last over the time between their timestamps: the
 * driver's count and times must agree with the mode), `done` per second (what
 * user space achieved; a busy TCG host delays it), `missed` vblanks between
 * consecutive flips.
 */
struct rate {
	double rate, done;
	unsigned missed;
};

static int rate_of(struct rate *r, int n, unsigned seq0, unsigned seq1, int64_t t0, int64_t t1,
		   const char *what)
{
	CHECK(t1 > t0 && seq1 - seq0 >= (unsigned)n, "%s: %d events over %u vblanks in %.3f s", what, n,
	      seq1 - seq0, (t1 - t0) / 1e9);
	r->rate = (seq1 - seq0) * 1e9 / (double)(t1 - t0);
	r->done = n * 1e9 / (double)(t1 - t0);
	return 0;
}

/* n flips alternating buffers 1 and 2, each after the previous event. */
static int kms_flip_rate(struct kms *k, int n, bool atomic, struct rate *r)
{
	int64_t t0 = 0;
	unsigned seq0 = 0;

	r->missed = 0;
	for (int i = 0; i <= n; i++) {
		uint32_t fb = k->fb[1 + i % 2];
		int ret;

		k->req_ns = now_ns();
		ret = atomic ? kms_atomic_flip(k, fb, DRM_MODE_ATOMIC_NONBLOCK) :
		      drmModePageFlip(k->fd, k->crtc, fb, DRM_MODE_PAGE_FLIP_EVENT, k) ? -errno : 0;
		unsigned prev = k->last_seq;

		CHECK(!ret, "%s flip %d: %s", atomic ? "atomic" : "legacy", i, strerror(-ret));
		if (kms_events(k, k->events + 1))
			return 1;
		if (i == 0) {
			t0 = k->last_ns;
			seq0 = k->last_seq;
		} else {
			CHECK(k->last_seq != prev, "two flips latched in vblank %u", prev);
			r->missed += k->last_seq - prev - 1;
		}
	}
	return rate_of(r, n, seq0, k->last_seq, t0, k->last_ns, atomic ? "atomic flips" : "legacy flips");
}

/* n drmWaitVBlank(relative 1), then one vblank event. */
static int kms_vblank_rate(struct kms *k, int n, struct rate *r)
{
	drmVBlank v = { .request = { .type = DRM_VBLANK_RELATIVE, .sequence = 1 } };
	unsigned seq0;
	int64_t t0;

	CHECK(!drmWaitVBlank(k->fd, &v), "drmWaitVBlank: %s", strerror(errno));
	seq0 = v.reply.sequence;
	t0 = v.reply.tval_sec * SEC + v.reply.tval_usec * 1000LL;
	for (int i = 0; i < n; i++) {
		unsigned prev = v.reply.sequence;

		v = (drmVBlank){ .request = { .type = DRM_VBLANK_RELATIVE, .sequence = 1 } };
		CHECK(!drmWaitVBlank(k->fd, &v), "drmWaitVBlank: %s", strerror(errno));
		CHECK(v.reply.sequence != prev, "drmWaitVBlank(1) returned the same vblank %u", prev);
	}
	if (rate_of(r, n, seq0, v.reply.sequence, t0, v.reply.tval_sec * SEC + v.reply.tval_usec * 1000LL,
		    "drmWaitVBlank"))
		return 1;
	r->missed = v.reply.sequence - seq0 - n;
	v = (drmVBlank){ .request = { .type = DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT, .sequence = 1,
				      .signal = (unsigned long)k } };
	k->req_ns = now_ns();
	CHECK(!drmWaitVBlank(k->fd, &v), "drmWaitVBlank event: %s", strerror(errno));
	return kms_events(k, k->events + 1);
}

/* Atomic off and on again: the device keeps its image, the events keep coming. */
static int kms_off_on(struct kms *k)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t blob;
	int r;

	drmModeAtomicAddProperty(req, k->crtc, k->p_active, 0);
	drmModeAtomicAddProperty(req, k->crtc, k->p_mode, 0);
	drmModeAtomicAddProperty(req, k->conn, k->p_conn_crtc, 0);
	drmModeAtomicAddProperty(req, k->plane, k->p_fb, 0);
	drmModeAtomicAddProperty(req, k->plane, k->p_crtc, 0);
	r = drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(req);
	CHECK(!r, "atomic disable: %s", strerror(errno));
	usleep(300000);		/* the vblank counter's time goes stale while off */
	CHECK(!drmModeCreatePropertyBlob(k->fd, &k->mode, sizeof(k->mode), &blob), "mode blob");
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, k->crtc, k->p_active, 1);
	drmModeAtomicAddProperty(req, k->crtc, k->p_mode, blob);
	drmModeAtomicAddProperty(req, k->conn, k->p_conn_crtc, k->crtc);
	drmModeAtomicAddProperty(req, k->plane, k->p_crtc, k->crtc);
	drmModeAtomicAddProperty(req, k->plane, k->p_fb, k->fb[1]);
	drmModeAtomicAddProperty(req, k->plane, prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, "SRC_W"),
				 (uint64_t)k->mode.hdisplay << 16);
	drmModeAtomicAddProperty(req, k->plane, prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, "SRC_H"),
				 (uint64_t)k->mode.vdisplay << 16);
	drmModeAtomicAddProperty(req, k->plane, prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, "CRTC_W"),
				 k->mode.hdisplay);
	drmModeAtomicAddProperty(req, k->plane, prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, "CRTC_H"),
				 k->mode.vdisplay);
	k->req_ns = now_ns();
	r = drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET | DRM_MODE_PAGE_FLIP_EVENT, k);
	drmModeAtomicFree(req);
	CHECK(!r, "atomic enable: %s", strerror(errno));
	drmModeDestroyPropertyBlob(k->fd, blob);
	return kms_events(k, k->events + 1);
}

static int kms_refusals(struct kms *k)
{
	drmModeModeInfo m = k->mode;
	drmModeAtomicReqPtr req;
	int64_t t;
	int r;

	m.hdisplay = 800;
	m.vdisplay = 600;
	r = drmModeSetCrtc(k->fd, k->crtc, k->fb[0], 0, 0, &k->conn, 1, &m) ? -errno : 0;
	CHECK(r == -EINVAL, "SetCrtc with an 800x600 mode: %d", r);
	/* The plane must cover the CRTC. */
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, k->plane, prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, "CRTC_W"), 100);
	drmModeAtomicAddProperty(req, k->plane, prop_id(k->fd, k->plane, DRM_MODE_OBJECT_PLANE, "SRC_W"), 100 << 16);
	r = drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_TEST_ONLY, NULL) ? -errno : 0;
	drmModeAtomicFree(req);
	CHECK(r == -EINVAL, "a plane smaller than the CRTC: %d", r);
	/*
	 * Userspace may not get ahead of a pending nonblocking commit: EBUSY. A
	 * slow guest may finish the first before the second is asked (then both
	 * go through, as the uapi says): try again, five times at most.
	 */
	for (int i = 0; i < 5; i++) {
		CHECK(!kms_atomic_flip(k, k->fb[1], DRM_MODE_ATOMIC_NONBLOCK), "atomic flip");
		t = k->req_ns;
		r = kms_atomic_flip(k, k->fb[2], DRM_MODE_ATOMIC_NONBLOCK);
		CHECK(r == -EBUSY || r == 0, "a second nonblocking commit: %d, want -EBUSY", r);
		if (r == -EBUSY) {
			k->req_ns = t;		/* the event to come is the first commit's */
			return kms_events(k, k->events + 1);
		}
		if (kms_events(k, k->events + 2))
			return 1;
	}
	FAIL("a second nonblocking commit right after the first never got -EBUSY in 5 tries");
}

static const uint32_t quads[4] = { 0xff00ff00, 0xffff0000, 0xff0000ff, 0xffffffff };

/* The expected quadrant pixels of a w x h screen. */
static int expect_quads(const struct shot *s, uint32_t w, uint32_t h, const uint32_t q[4])
{
	const uint32_t pts[][2] = { { 0, 0 }, { w / 2 - 1, h / 2 - 1 }, { w / 2, 0 }, { w - 1, h / 2 - 1 },
				    { 0, h / 2 }, { w / 2 - 1, h - 1 }, { w / 2, h / 2 }, { w - 1, h - 1 } };

	CHECK(s->w == w && s->h == h, "screenshot is %ux%u", s->w, s->h);
	for (int i = 0; i < 8; i++)
		CHECK(shot_px(s, pts[i][0], pts[i][1]) == (q[i / 2] & 0xffffff),
		      "screen (%u,%u) is %06x, want %06x", pts[i][0], pts[i][1],
		      shot_px(s, pts[i][0], pts[i][1]), q[i / 2] & 0xffffff);
	return 0;
}

/* The events' rate is the mode's; user space kept up with at least half of it. */
static int rate_ok(const struct rate *r, uint32_t hz, const char *what)
{
	CHECK(r->rate > hz * 0.97 && r->rate < hz * 1.03, "%s: events at %.2f Hz, the mode is %u Hz",
	      what, r->rate, hz);
	CHECK(r->done > hz * 0.5, "%s: only %.1f per second at %u Hz", what, r->done, hz);
	return 0;
}

static int cmd_kms(const char *path, uint32_t hz)
{
	const uint32_t grey[4] = { 0xff404040, 0xff404040, 0xff404040, 0xff404040 };
	struct rate legacy, atomic, vbl;
	struct drm_gfx_wait w;
	struct kms k;
	struct shot s;
	uint64_t seq;
	bool early;

	if (kms_init(&k, must_open(false), hz))
		return 1;
	for (int i = 0; i < 4; i++)
		if (kms_fb(&k, i) || kms_paint(&k, i, i == 2 ? quads : grey, 0, &seq))
			return 1;
	CHECK(!wait_seq(k.fd, seq, 10 * SEC, NULL), "painting failed");
	CHECK(!drmModeSetCrtc(k.fd, k.crtc, k.fb[0], 0, 0, &k.conn, 1, &k.mode), "SetCrtc: %s", strerror(errno));
	if (kms_flip_rate(&k, 60, false, &legacy) || kms_flip_rate(&k, 60, true, &atomic) ||
	    kms_vblank_rate(&k, 60, &vbl) || kms_refusals(&k) || kms_off_on(&k))
		return 1;
	if (rate_ok(&legacy, hz, "legacy flips") || rate_ok(&atomic, hz, "atomic flips") ||
	    rate_ok(&vbl, hz, "drmWaitVBlank"))
		return 1;
	/* Render then flip at once: the ring puts the FLIP behind the render. */
	if (kms_paint(&k, 3, quads, 400, &seq))
		return 1;
	k.req_ns = now_ns();
	CHECK(!drmModePageFlip(k.fd, k.crtc, k.fb[3], DRM_MODE_PAGE_FLIP_EVENT, &k), "flip: %s", strerror(errno));
	early = wait_seq(k.fd, seq, 0, &w) == -ETIMEDOUT;
	if (kms_events(&k, k.events + 1))
		return 1;
	CHECK(!take_shot(path, &s), "screenshot failed");
	if (expect_quads(&s, k.mode.hdisplay, k.mode.vdisplay, quads))
		return 1;
	printf("ok events at %.2f/%.2f/%.2f Hz for a %u Hz mode, done %.1f legacy flips, %.1f atomic flips, "
	       "%.1f drmWaitVBlank a second (%u/%u/%u vblanks missed); EBUSY, off/on; a flip queued %s "
	       "its render shows it complete\n", legacy.rate, atomic.rate, vbl.rate, hz, legacy.done,
	       atomic.done, vbl.done, legacy.missed, atomic.missed, vbl.missed,
	       early ? "before the end of" : "after");
	return 0;
}

/* ---- faults ---- */

static int cmd_hang(void)
{
	int fd = must_open(true);
	uint64_t hangs, seq;
	struct drm_gfx_wait w;
	struct bo bo;
	int64_t t0;
	int r;

	CHECK(!bo_new(fd, 256 * 64 * 4, &bo) && !draw(fd, &bo, 256, 64, 0xff010203, 0, 0, 256, 64),
	      "warm-up draw failed");
	hangs = param(fd, DRM_GFX_PARAM_HANG_COUNT, 0);
	CHECK(host_ctl("hang") == 0, "gfx-ctl hang failed");
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo.handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xffeeeeee, 0, 0, 256, 64);
	t0 = now_ns();
	CHECK(!job_submit(fd, &J, 0, &seq), "submit: %s", strerror(errno));
	r = wait_seq(fd, seq, 20 * SEC, &w);
	t0 = now_ns() - t0;
	CHECK(r == -EIO && w.error_code == DRM_GFX_ERR_HANG, "WAIT on the hung job: %d code %#x", r, w.error_code);
	CHECK(t0 < 5 * SEC, "the hang took %.1f s to be caught", t0 / 1e9);
	CHECK(param(fd, DRM_GFX_PARAM_HANG_COUNT, 0) == hangs + 1, "HANG_COUNT did not grow by 1");
	CHECK(!draw(fd, &bo, 256, 64, 0xff336699, 0, 0, 256, 64), "drawing after the reset failed");
	if (check_rect(bo.map, 256, 64, 0, 0, 256, 64, 0x336699, 0))
		return 1;
	printf("ok the hung job failed with DRM_GFX_ERR_HANG after %.2f s; the device draws again\n", t0 / 1e9);
	return 0;
}

/* Interrupts the device drops (gfx-ctl drop-irqs): the hangcheck's poll completes the job. */
static int cmd_dropped(void)
{
	int fd = must_open(true);
	uint64_t hangs, seq;
	struct drm_gfx_wait w;
	struct bo bo;
	int64_t t0, t1;
	int r;

	CHECK(!bo_new(fd, 256 * 64 * 4, &bo) && !draw(fd, &bo, 256, 64, 0xff010203, 0, 0, 256, 64),
	      "warm-up draw failed");
	hangs = param(fd, DRM_GFX_PARAM_HANG_COUNT, 0);
	CHECK(host_ctl("drop-irqs 1") == 0, "gfx-ctl drop-irqs failed");
	t0 = now_ns();
	r = draw(fd, &bo, 256, 64, 0xff0a0a0a, 0, 0, 256, 64);
	t0 = now_ns() - t0;
	CHECK(!r && !check_rect(bo.map, 256, 64, 0, 0, 256, 64, 0x0a0a0a, 0), "a job whose FENCE interrupt was dropped: %d", r);
	CHECK(host_ctl("drop-irqs 1") == 0, "gfx-ctl drop-irqs failed");
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, bo.handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xff000000, 250, 0, 10, 1);	/* rejected: ERROR, whose interrupt is dropped */
	job_fill(&J, 0xff0b0b0b, 0, 0, 256, 64);
	t1 = now_ns();
	CHECK(!job_submit(fd, &J, 0, &seq), "submit: %s", strerror(errno));
	r = wait_seq(fd, seq, 10 * SEC, &w);
	t1 = now_ns() - t1;
	host_ctl("drop-irqs 0");
	CHECK(r == -EIO && w.error_code == GFX_ERR_RECT_OOB && w.error_word == 6,
	      "a rejected command whose ERROR interrupt was dropped: WAIT %d code %u word %u", r, w.error_code, w.error_word);
	CHECK(!check_rect(bo.map, 256, 64, 0, 0, 256, 64, 0x0b0b0b, 0), "the job did not go on after the skip");
	CHECK(param(fd, DRM_GFX_PARAM_HANG_COUNT, 0) == hangs, "a lost interrupt was taken for a hang");
	CHECK(t0 < 3 * SEC && t1 < 3 * SEC, "recovery took %.1f / %.1f s", t0 / 1e9, t1 / 1e9);
	printf("ok a dropped FENCE interrupt: done after %.2f s; a dropped ERROR interrupt: skipped, -EIO "
	       "with its code and word after %.2f s; no reset\n", t0 / 1e9, t1 / 1e9);
	return 0;
}

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* A stream of n random words, sometimes with valid-looking headers. */
static void random_stream(struct job *j, uint32_t n)
{
	job_reset(j);
	for (uint32_t i = 0; i < n; i++)
		j->w[j->n++] = rnd() % 4 ? rnd() : GFX_CMD(rnd() % 12, rnd() % 4, 1 + rnd() % 8);
}

/* Two files: A's garbage, refused and rejected, and A's hang leave B's tiles right. */
static int cmd_two(void)
{
	int a = must_open(true), b = must_open(true), refused = 0, r;
	uint64_t seq_a, seq_b[16];
	struct drm_gfx_wait w;
	struct bo ba, bb;

	rng = 0x9e3779b97f4a7c15ull;
	CHECK(!bo_new(a, 256 * 64 * 4, &ba) && !bo_new(b, 256 * 256 * 4, &bb), "BO_CREATE failed");
	for (int i = 0; i < 500; i++) {
		random_stream(&J, 1 + rnd() % 32);
		J.bos[J.nbos++] = rnd() % 2 ? ba.handle : rnd();
		refused += job_submit(a, &J, 0, NULL) < 0;
	}
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, ba.handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xff000000, 300, 0, 1, 1);		/* rejected by the device */
	CHECK(!job_submit(a, &J, 0, &seq_a), "A's bad job: %s", strerror(errno));
	CHECK(host_ctl("hang") == 0, "gfx-ctl hang failed");
	job_reset(&J);
	job_surface(&J, GFX_SURFACE_DST, ba.handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
	job_fill(&J, 0xff111111, 0, 0, 256, 64);
	CHECK(!job_submit(a, &J, 0, &seq_a), "A's job: %s", strerror(errno));
	for (uint32_t t = 0; t < 16; t++) {
		job_reset(&J);
		job_surface(&J, GFX_SURFACE_DST, bb.handle, 0, 256, 256, 1024, GFX_FMT_XRGB8888);
		job_fill(&J, 0xff000000 | t * 0x0f0f0f, (t % 4) * 64, (t / 4) * 64, 64, 64);
		CHECK(!job_submit(b, &J, 0, &seq_b[t]), "B's job %u: %s", t, strerror(errno));
	}
	for (int t = 0; t < 16; t++) {
		r = wait_seq(b, seq_b[t], 20 * SEC, &w);
		CHECK(!r, "B's job %d: WAIT %d code %#x", t, r, w.error_code);
	}
	r = wait_seq(a, seq_a, 20 * SEC, &w);
	CHECK(r == -EIO && w.error_code == DRM_GFX_ERR_HANG, "A's hung job: WAIT %d code %#x", r, w.error_code);
	for (uint32_t t = 0; t < 16; t++)
		for (uint32_t y = (t / 4) * 64; y < (t / 4 + 1) * 64; y++)
			for (uint32_t x = (t % 4) * 64; x < (t % 4 + 1) * 64; x++)
				CHECK((bb.map[y * 256 + x] & 0xffffff) == t * 0x0f0f0f, "B's tile %u at (%u,%u) is %06x",
				      t, x, y, bb.map[y * 256 + x] & 0xffffff);
	CHECK(!draw(a, &ba, 256, 64, 0xff222222, 0, 0, 256, 64), "A cannot draw after the reset");
	printf("ok A: %d garbage submits refused, a rejected command, a hung job (DRM_GFX_ERR_HANG); "
	       "B: 16 jobs queued behind it all completed, every pixel right\n", refused);
	return 0;
}

/* ---- fuzzing ---- */

struct fuzz {
	int fd, fd2;
	struct bo pool[16];
	uint32_t npool;
	uint8_t *edge;		/* a page, then a PROT_NONE page */
	uint8_t *none;
	long page;
	uint64_t last_seq;
	unsigned submits, accepted, gem_ops, closed_busy;
	unsigned err[4];	/* EINVAL ENOENT EFAULT ENOMEM */
};

static const int fuzz_errnos[4] = { EINVAL, ENOENT, EFAULT, ENOMEM };

static int fuzz_result(struct fuzz *f, int r, uint64_t seq, const char *what)
{
	f->submits++;
	if (!r) {
		f->accepted++;
		f->last_seq = seq;
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		if (r == -fuzz_errnos[i]) {
			f->err[i]++;
			return 0;
		}
	}
	FAIL("%s: submit %u returned %d (%s)", what, f->submits, r, strerror(-r));
}

static uint32_t fuzz_handle(struct fuzz *f)
{
	if (!f->npool || rnd() % 8 == 0)
		return rnd() % 4 ? rnd() % 64 : rnd();
	return f->pool[rnd() % f->npool].handle;
}

/* A valid job on a pool buffer: a surface inside it and a few fills or copies. */
static void fuzz_valid(struct fuzz *f, struct job *j)
{
	struct bo *bo = &f->pool[rnd() % f->npool];
	uint32_t w = 1 + rnd() % 64, stride = (w * 4 + 3 + rnd() % 64) & ~3u;
	uint32_t h = 1 + rnd() % 64, off = 0;

	while ((uint64_t)(h - 1) * stride + w * 4 > bo->size)
		h = 1 + h / 2;
	if ((uint64_t)(h - 1) * stride + w * 4 < bo->size)
		off = (rnd() % (uint32_t)(bo->size - (h - 1) * stride - w * 4 + 1)) & ~3u;
	job_reset(j);
	job_surface(j, GFX_SURFACE_DST, bo->handle, off, w, h, stride, GFX_FMT_XRGB8888);
	if (rnd() % 2)
		job_surface(j, GFX_SURFACE_SRC, bo->handle, off, w, h, stride, GFX_FMT_ARGB8888);
	for (int k = 1 + rnd() % 4; k > 0; k--) {
		uint32_t x = rnd() % w, y = rnd() % h;

		if (rnd() % 2 && j->nrel == 2)
			job_copy(j, 0, 0, x, y, 1 + rnd() % (w - x), 1 + rnd() % (h - y));
		else	/* sometimes outside the surface: the device rejects it */
			job_fill(j, rnd(), x, y, 1 + rnd() % (w - x + (rnd() % 16 ? 0 : 8)), 1 + rnd() % (h - y));
	}
}

/* A valid job, then one thing broken; the kernel must refuse it or run it safely. */
static int fuzz_half_valid(struct fuzz *f)
{
	uint32_t *cmds = J.w;
	struct drm_gfx_submit s;
	uint64_t seq = 0;
	int r;

	if (!f->npool)
		return 0;
	fuzz_valid(f, &J);
	s = (struct drm_gfx_submit){ .cmds = (uintptr_t)J.w, .cmd_words = J.n, .bos = (uintptr_t)J.bos,
				     .bo_count = J.nbos, .relocs = (uintptr_t)J.rel, .reloc_count = J.nrel };
	switch (rnd() % 16) {
	case 0: J.w[rnd() % J.n] ^= 1u << (rnd() % 32); break;
	case 1: J.w[rnd() % J.n] = rnd(); break;
	case 2: J.w[1] = (uint32_t)f->pool[0].size + (rnd() % 64) * 4; break;	/* offset past */
	case 3: J.rel[rnd() % J.nrel].bo_index = rnd() % 4; break;
	case 4: s.cmd_words = rnd() % 2 ? rnd() : 1 + rnd() % (J.n + 8); break;
	case 5: s.bo_count = rnd(); break;
	case 6: s.reloc_count = rnd() % 2 ? rnd() : rnd() % 8; break;
	case 7: cmds = (uint32_t *)(f->edge + 1 + rnd() % 64);	/* unaligned */
		memcpy(cmds, J.w, J.n * 4);
		s.cmds = (uintptr_t)cmds;
		break;
	case 8: s.cmds = (uintptr_t)(f->edge + f->page - 4 * (rnd() % J.n));	/* runs into PROT_NONE */
		break;
	case 9: s.cmds = rnd() % 2 ? (uintptr_t)f->none : 0xffffffff00000000ull | rnd(); break;
	case 10: s.bos = rnd() % 2 ? 0 : (uintptr_t)f->none + rnd() % 64; break;
	case 11: s.relocs = (uintptr_t)f->none; break;
	case 12: J.w[J.n - 4] = GFX_CMD(rnd() % 256, rnd() % 256, 4); break;	/* opcode */
	case 13: J.rel[0].cmd_word = rnd() % J.n; break;
	case 14: J.bos[0] = fuzz_handle(f); break;
	default: break;	/* valid */
	}
	r = ioc(f->fd, DRM_IOCTL_GFX_SUBMIT, &s);
	seq = s.seqno;
	return fuzz_result(f, r, seq, "half-valid");
}

static int fuzz_random(struct fuzz *f)
{
	uint64_t seq = 0;

	random_stream(&J, 1 + rnd() % 64);
	for (uint32_t i = rnd() % 4; i > 0; i--)
		J.bos[J.nbos++] = fuzz_handle(f);
	for (uint32_t i = rnd() % 4; i > 0 && J.nrel < J.n / 6; i--)
		J.rel[J.nrel++] = (struct drm_gfx_reloc){ rnd() % J.n, rnd() % 4 };
	return fuzz_result(f, job_submit(f->fd, &J, 0, &seq), seq, "random");
}

/* GEM and PRIME: create, mmap, export, import elsewhere, close; a buffer closed while busy. */
static int fuzz_gem(struct fuzz *f)
{
	uint32_t op = rnd() % 8, i = f->npool ? rnd() % f->npool : 0, h;
	struct drm_gfx_bo_info info = { 0 };
	int dmabuf;

	f->gem_ops++;
	if (op < 2 && f->npool < 16) {
		int r = bo_new(f->fd, rnd() % 8 ? 4096 + rnd() % (256 << 10) : rnd() % 3 ? 0 : (uint64_t)rnd() << 8,
			       &f->pool[f->npool]);

		CHECK(!r || r == -EINVAL || r == -ENOMEM, "BO_CREATE: %s", strerror(-r));
		f->npool += !r;
	} else if (op == 2 && f->npool) {
		bo_close(f->fd, &f->pool[i]);
		f->pool[i] = f->pool[--f->npool];
	} else if (op == 3 && f->npool) {	/* export, import on the other file, check, close */
		CHECK(!drmPrimeHandleToFD(f->fd, f->pool[i].handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf),
		      "export: %s", strerror(errno));
		CHECK(!drmPrimeFDToHandle(f->fd2, dmabuf, &h), "import: %s", strerror(errno));
		info.handle = h;
		CHECK(!ioc(f->fd2, DRM_IOCTL_GFX_BO_INFO, &info) && info.offset == f->pool[i].offset,
		      "import gave another object");
		close(dmabuf);
		gem_close(f->fd2, h);
	} else if (op == 4 && f->npool) {	/* a buffer closed while its job runs */
		fuzz_valid(f, &J);
		job_fill(&J, rnd(), 0, 0, 1, 1);
		if (fuzz_result(f, job_submit(f->fd, &J, 0, &f->last_seq), f->last_seq, "busy close"))
			return 1;
		bo_close(f->fd, &f->pool[i]);
		f->pool[i] = f->pool[--f->npool];
		f->closed_busy++;
	} else if (op == 5) {
		struct drm_gfx_bo_info bad = { .handle = fuzz_handle(f), .context = rnd() % 8 == 0 };
		int r = ioc(f->fd, DRM_IOCTL_GFX_BO_INFO, &bad);

		CHECK(!r || r == -ENOENT || r == -EINVAL, "BO_INFO: %s", strerror(-r));
	} else if (op == 6) {
		struct drm_gfx_wait w = { .seqno = rnd() % 2 ? f->last_seq : rnd(), .flags = rnd() % 8 == 0 };
		int r = ioc(f->fd, DRM_IOCTL_GFX_WAIT, &w);

		CHECK(!r || r == -ETIMEDOUT || r == -EINVAL || r == -EIO || r == -ENOENT,
		      "WAIT: %s", strerror(-r));
	} else if (f->npool) {	/* a second mapping, touched and dropped */
		uint32_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd,
				   (off_t)f->pool[i].mmap_offset);

		CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
		m[rnd() % 1024] = rnd();
		munmap(m, 4096);
	}
	return 0;
}

/*
 * Concurrency: threads on two files submit valid jobs on the same four
 * buffers, listed in random order (reservation locks taken in different
 * orders: the ww-mutex backoff), with WAIT_BO and buffers created, shared
 * and closed in between. Every ioctl must succeed.
 */
struct stress {
	int fd;
	uint32_t h[4];
	uint64_t rng;
	unsigned submits, waits, gem;
	char err[160];
};

static uint32_t srnd(struct stress *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return (uint32_t)(t->rng >> 32);
}

static void *stress_thread(void *arg)
{
	struct stress *t = arg;
	struct job *j = malloc(sizeof(*j));

	for (int k = 0; j && k < 1500; k++) {
		uint32_t first = srnd(t) % 4, n = 2 + srnd(t) % 3;
		int r;

		job_reset(j);
		for (uint32_t b = 0; b < n; b++) {
			job_surface(j, GFX_SURFACE_DST, t->h[(first + b * (1 + srnd(t) % 3)) % 4], 0, 64, 64, 256,
				    GFX_FMT_XRGB8888);
			job_fill(j, srnd(t), srnd(t) % 60, srnd(t) % 60, 4, 4);
		}
		r = job_submit(t->fd, j, 0, NULL);
		if (r) {
			snprintf(t->err, sizeof(t->err), "concurrent submit %d: %s", k, strerror(-r));
			break;
		}
		t->submits++;
		if (k % 16 == 0) {
			struct drm_gfx_wait w;

			r = wait_bo(t->fd, t->h[srnd(t) % 4], 10 * SEC, &w);
			if (r) {
				snprintf(t->err, sizeof(t->err), "concurrent WAIT_BO: %s", strerror(-r));
				break;
			}
			t->waits++;
		}
		if (k % 64 == 0) {
			struct bo bo;

			if (!bo_new(t->fd, 64 << 10, &bo)) {
				bo.map[0] = 1;
				bo_close(t->fd, &bo);
				t->gem++;
			}
		}
	}
	free(j);
	return NULL;
}

static int fuzz_threads(int fd_a, int fd_b, unsigned *submits)
{
	struct stress t[4] = { { .fd = fd_a }, { .fd = fd_a }, { .fd = fd_b }, { .fd = fd_b } };
	struct bo bo[4];
	pthread_t th[4];

	*submits = 0;
	for (int b = 0; b < 4; b++) {
		int dmabuf;

		CHECK(!bo_new(fd_a, 64 * 64 * 4, &bo[b]), "stress BO_CREATE: %s", strerror(errno));
		CHECK(!drmPrimeHandleToFD(fd_a, bo[b].handle, DRM_CLOEXEC, &dmabuf) &&
		      !drmPrimeFDToHandle(fd_b, dmabuf, &t[2].h[b]), "stress PRIME: %s", strerror(errno));
		close(dmabuf);
		t[0].h[b] = t[1].h[b] = bo[b].handle;
		t[3].h[b] = t[2].h[b];
	}
	for (int i = 0; i < 4; i++) {
		t[i].rng = 0x9e3779b97f4a7c15ull * (i + 1);
		CHECK(!pthread_create(&th[i], NULL, stress_thread, &t[i]), "pthread_create");
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 4; i++) {
		CHECK(!t[i].err[0], "thread %d: %s", i, t[i].err);
		*submits += t[i].submits;
	}
	for (int b = 0; b < 4; b++) {
		gem_close(fd_b, t[2].h[b]);
		bo_close(fd_a, &bo[b]);
	}
	return 0;
}

static int cmd_fuzz(long n, uint64_t seed)
{
	struct fuzz f = { .fd = must_open(true), .fd2 = must_open(true), .page = sysconf(_SC_PAGESIZE) };
	uint64_t free0 = param(f.fd, DRM_GFX_PARAM_VRAM_FREE, 0), errors0 = param(f.fd, DRM_GFX_PARAM_ERROR_COUNT, 0);
	int64_t t0 = now_ns(), t1;
	unsigned threaded;
	struct bo check;

	rng = seed ? seed : (uint64_t)t0 | 1;
	seed = rng;
	f.edge = mmap(NULL, (size_t)f.page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(f.edge != MAP_FAILED && !mprotect(f.edge + f.page, (size_t)f.page, PROT_NONE), "mmap");
	f.none = f.edge + f.page;
	while (f.submits < n) {
		uint32_t op = rnd() % 100;
		int r = op < 6 ? fuzz_gem(&f) : op < 40 ? fuzz_random(&f) : fuzz_half_valid(&f);

		if (r)
			return 1;
	}
	while (f.npool)
		bo_close(f.fd, &f.pool[--f.npool]);
	if (f.last_seq)
		wait_seq(f.fd, f.last_seq, 30 * SEC, NULL);
	t1 = now_ns();
	if (fuzz_threads(f.fd, f.fd2, &threaded))
		return 1;
	t1 = now_ns() - t1;
	for (int k = 0; k < 500 && (param(f.fd, DRM_GFX_PARAM_VRAM_FREE, 0) != free0 ||
				    param(f.fd, DRM_GFX_PARAM_SEQNO_DONE, 0) != param(f.fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0)); k++)
		usleep(20000);
	CHECK(param(f.fd, DRM_GFX_PARAM_SEQNO_DONE, 0) == param(f.fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0),
	      "jobs still pending 10 s after the fuzzing");
	CHECK(param(f.fd, DRM_GFX_PARAM_VRAM_FREE, 0) == free0, "VRAM_FREE %" PRIu64 " after the fuzzing, was %" PRIu64,
	      param(f.fd, DRM_GFX_PARAM_VRAM_FREE, 0), free0);
	CHECK(!bo_new(f.fd, 256 * 64 * 4, &check) && !draw(f.fd, &check, 256, 64, 0xff5a5a5a, 0, 0, 256, 64) &&
	      !check_rect(check.map, 256, 64, 0, 0, 256, 64, 0x5a5a5a, 0), "the device does not draw after the fuzzing");
	bo_close(f.fd, &check);
	printf("ok %u submits (seed %#" PRIx64 "): %u accepted, refused EINVAL %u ENOENT %u EFAULT %u "
	       "ENOMEM %u; %" PRIu64 " commands rejected by the device; %u GEM/PRIME ops, %u buffers closed while busy; "
	       "then %u concurrent submits from 4 threads on 2 files sharing 4 buffers in %.1f s; %.1f s in all; "
	       "VRAM_FREE back, the device draws\n", f.submits, seed, f.accepted, f.err[0], f.err[1], f.err[2],
	       f.err[3], param(f.fd, DRM_GFX_PARAM_ERROR_COUNT, 0) - errors0, f.gem_ops, f.closed_busy,
	       threaded, t1 / 1e9, (now_ns() - t0) / 1e9);
	return 0;
}

/* ---- lifetime ---- */

static int cmd_spin(const char *ready)
{
	int fd = must_open(true), dmabufs[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	uint32_t sync;

	CHECK(!drmSyncobjCreate(fd, 0, &sync), "syncobj");
	for (unsigned it = 0;; it++) {
		struct bo bo;

		CHECK(!bo_new(fd, 64 << 10, &bo), "BO_CREATE: %s", strerror(errno));
		for (int k = 0; k < 8; k++) {
			job_reset(&J);
			job_surface(&J, GFX_SURFACE_DST, bo.handle, 0, 128, 128, 512, GFX_FMT_XRGB8888);
			for (int m = 0; m < 64; m++)
				job_fill(&J, rnd(), 0, 0, 128, 128);
			CHECK(!job_submit(fd, &J, sync, NULL), "submit: %s", strerror(errno));
		}
		if (dmabufs[it % 8] >= 0)
			close(dmabufs[it % 8]);
		drmPrimeHandleToFD(fd, bo.handle, DRM_CLOEXEC, &dmabufs[it % 8]);
		bo_close(fd, &bo);	/* the jobs and the dma-buf keep it */
		if (it == 10)
			touch(ready);
	}
}

static int cmd_settle(uint64_t want)
{
	int fd = must_open(true);
	uint64_t free = 0, done = 0, sub = 0;

	for (int k = 0; k < 500; k++) {
		free = param(fd, DRM_GFX_PARAM_VRAM_FREE, 0);
		done = param(fd, DRM_GFX_PARAM_SEQNO_DONE, 0);
		sub = param(fd, DRM_GFX_PARAM_SEQNO_SUBMITTED, 0);
		if (free == want && done == sub)
			break;
		usleep(20000);
	}
	CHECK(done == sub, "fences stuck: seqno %" PRIu64 " done of %" PRIu64, done, sub);
	CHECK(free == want, "VRAM_FREE is %" PRIu64 ", was %" PRIu64 ": objects left behind", free, want);
	printf("ok no job pending (seqno %" PRIu64 "), VRAM_FREE back to %" PRIu64 "\n", done, free);
	return 0;
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, sig);
}

/*
 * Keep the card busy until the device goes away: the mode set, jobs submitted
 * and page flips queued without waiting, a buffer mapped. Then: ENODEV, and
 * the mapping is gone once the unbind is complete.
 */
static int cmd_hold(const char *ready)
{
	drmEventContext ev = { .version = 2, .page_flip_handler = on_flip };
	struct drm_gfx_bo_create c = { .size = 4096 };
	volatile unsigned submits = 0, flips = 0;	/* read after a siglongjmp */
	volatile uint32_t *p;
	char unbound[300];
	struct kms k;
	struct bo bo;
	uint64_t seq;
	int64_t end;

	if (kms_init(&k, must_open(false), 0) || kms_fb(&k, 1) || kms_fb(&k, 2) ||
	    kms_paint(&k, 1, quads, 0, &seq) || kms_paint(&k, 2, quads, 0, &seq))
		return 1;
	CHECK(!drmModeSetCrtc(k.fd, k.crtc, k.fb[1], 0, 0, &k.conn, 1, &k.mode), "hold: SetCrtc: %s",
	      strerror(errno));
	CHECK(!bo_new(k.fd, 256 * 64 * 4, &bo) && !draw(k.fd, &bo, 256, 64, 0xff123123, 0, 0, 256, 64),
	      "hold: draw failed");
	touch(ready);
	for (end = now_ns() + 30 * SEC; param(k.fd, DRM_GFX_PARAM_VERSION, 0) != UINT64_MAX; usleep(5000)) {
		struct pollfd pfd = { .fd = k.fd, .events = POLLIN };

		CHECK(now_ns() < end, "hold: the device is still there after 30 s");
		job_reset(&J);
		job_surface(&J, GFX_SURFACE_DST, bo.handle, 0, 256, 64, 1024, GFX_FMT_XRGB8888);
		job_fill(&J, 0xff000000 | submits, 0, 0, 256, 64);
		submits += !job_submit(k.fd, &J, 0, NULL);
		flips += !drmModePageFlip(k.fd, k.crtc, k.fb[1 + flips % 2], DRM_MODE_PAGE_FLIP_EVENT, &k);
		if (poll(&pfd, 1, 0) > 0)
			drmHandleEvent(k.fd, &ev);
	}
	CHECK(errno == ENODEV, "hold: GET_PARAM failed with %s, want ENODEV", strerror(errno));
	CHECK(ioc(k.fd, DRM_IOCTL_GFX_BO_CREATE, &c) == -ENODEV, "hold: BO_CREATE after unbind");
	snprintf(unbound, sizeof(unbound), "%s.unbound", ready);
	for (end = now_ns() + 30 * SEC; access(unbound, F_OK); usleep(20000))
		CHECK(now_ns() < end, "hold: no %s after 30 s", unbound);
	signal(SIGBUS, on_sigbus);
	signal(SIGSEGV, on_sigbus);
	p = bo.map;
	if (!sigsetjmp(bus_jmp, 1)) {
		uint32_t v = p[0];

		FAIL("hold: the mapping still reads %#x after unbind", v);
	}
	close(k.fd);
	printf("ok ENODEV after unbind (%u jobs and %u flips queued while it ran), the mapping is gone\n",
	       submits, flips);
	return 0;
}

static int write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? write(fd, val, strlen(val)) : -1;

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int quick_draw(void)
{
	int fd = open_gfx(true);
	struct bo bo = { 0 };
	int r;

	if (fd < 0)
		return -1;
	r = bo_new(fd, 256 * 64 * 4, &bo) || draw(fd, &bo, 256, 64, 0xff0f0f0f, 0, 0, 256, 64) ||
	    check_rect(bo.map, 256, 64, 0, 0, 256, 64, 0x0f0f0f, 0);
	bo_close(fd, &bo);
	close(fd);
	return r;
}

/* The device got minor 0 again: the previous drm_device was released, not leaked. */
static int card0_is(const char *pci, int i)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/drm/card0", pci);
	CHECK(!access(path, F_OK), "cycle %d: the new device is not card0 (the old one still exists)", i);
	return 0;
}

static int cmd_rebind(const char *pci, int n, bool hold)
{
	for (int i = 1; i <= n; i++) {
		char ready[64];
		pid_t pid = -1;
		int st;

		snprintf(ready, sizeof(ready), "/tmp/hold.%d", i);
		unlink(ready);
		strcat(ready, ".unbound");
		unlink(ready);
		ready[strlen(ready) - 8] = 0;
		if (hold && (pid = fork()) == 0) {
			dup2(2, 1);	/* the holder's messages on stderr */
			_exit(cmd_hold(ready));
		}
		for (int k = 0; hold && k < 400 && access(ready, F_OK); k++)
			usleep(25000);
		CHECK(!hold || !access(ready, F_OK), "rebind %d: the holder did not start", i);
		if (hold)
			usleep(100000);		/* jobs and flips in flight */
		CHECK(!write_sysfs("/sys/bus/pci/drivers/gfx_drm/unbind", pci), "unbind %d: %s", i, strerror(errno));
		CHECK(open_gfx(false) < 0, "unbind %d: a gfx_drm card is still there", i);
		if (hold) {
			char unbound[80];

			snprintf(unbound, sizeof(unbound), "%s.unbound", ready);
			touch(unbound);
			CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
			      "rebind %d: the holder failed (status %#x)", i, st);
		}
		unlink(ready);		/* no tmpfs files piling up in the slab measurement */
		strcat(ready, ".unbound");
		unlink(ready);
		CHECK(!write_sysfs("/sys/bus/pci/drivers/gfx_drm/bind", pci), "bind %d: %s", i, strerror(errno));
		if (card0_is(pci, i))
			return 1;
		CHECK(!quick_draw(), "rebind %d: cannot draw after bind", i);
	}
	printf("ok %d unbind/bind%s, drawing after each\n", n,
	       hold ? " with a client submitting and flipping (ENODEV, mapping zapped)" : "");
	return 0;
}

static int cmd_reload(const char *ko, int n)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), held;
	char link[256] = "";
	struct stat st;
	void *image;

	CHECK(fd >= 0 && !fstat(fd, &st), "%s: %s", ko, strerror(errno));
	image = malloc((size_t)st.st_size);
	CHECK(image && read(fd, image, (size_t)st.st_size) == st.st_size, "cannot read %s", ko);
	close(fd);
	held = must_open(true);
	CHECK(syscall(SYS_delete_module, GFX_DRM_NAME, O_NONBLOCK) < 0 && errno == EWOULDBLOCK,
	      "rmmod with a DRM file open: %s, want EWOULDBLOCK (in use)", strerror(errno));
	close(held);
	for (int i = 1; i <= n; i++) {
		CHECK(!syscall(SYS_delete_module, GFX_DRM_NAME, O_NONBLOCK), "rmmod %d: %s", i, strerror(errno));
		CHECK(open_gfx(false) < 0, "rmmod %d: a gfx_drm card is still there", i);
		CHECK(!syscall(SYS_init_module, image, (unsigned long)st.st_size, ""), "insmod %d: %s", i, strerror(errno));
		CHECK(!quick_draw(), "reload %d: cannot draw", i);
		CHECK(readlink("/sys/class/drm/card0/device/driver", link, sizeof(link) - 1) > 0 &&
		      strstr(link, "/" GFX_DRM_NAME), "reload %d: card0 is not gfx_drm's (the old device still exists)", i);
	}
	free(image);
	printf("ok %d rmmod/insmod, drawing after each; rmmod with a file open: in use\n", n);
	return 0;
}

/* ---- the cost of a submit ---- */

/* Mean ioctl time (ns) of `n` submits of J; each queued one waited for outside the clock. */
static double bench_submits(int fd, int n, bool queue)
{
	int64_t total = 0;

	for (int i = 0; i < n; i++) {
		struct drm_gfx_submit s = { .cmds = (uintptr_t)J.w, .cmd_words = J.n, .bos = (uintptr_t)J.bos,
					    .bo_count = J.nbos, .relocs = (uintptr_t)J.rel, .reloc_count = J.nrel };
		int64_t t0 = now_ns();
		int r = ioctl(fd, DRM_IOCTL_GFX_SUBMIT, &s);

		total += now_ns() - t0;
		if (queue && (r || wait_seq(fd, s.seqno, 10 * SEC, NULL)))
			return -1;
		if (!queue && (r == 0 || errno != EINVAL))
			return -1;
	}
	return (double)total / n;
}

/*
 * SUBMIT's cost by stream size: a stream of 1-rectangle fills (4 words a
 * command, the validator's worst case per byte) refused at its last command
 * (copy, lookup, validate) and queued (plus ring, fence, reservations).
 */
static int cmd_bench(void)
{
	static const uint32_t sizes[] = { 16, 256, 1024, 4096, 16384 };
	int fd = must_open(true);
	double refused[5], queued[5], sys = 0;
	struct bo bo;

	CHECK(!bo_new(fd, 64 * 64 * 4, &bo), "BO_CREATE failed");
	for (int i = 0; i < 1000; i++) {
		int64_t t0 = now_ns();

		syscall(SYS_getppid);
		sys += now_ns() - t0;
	}
	sys /= 1000;
	for (int k = 0; k < 5; k++) {
		int n = sizes[k] >= 4096 ? 200 : 1000;

		job_reset(&J);
		job_surface(&J, GFX_SURFACE_DST, bo.handle, 0, 64, 64, 256, GFX_FMT_XRGB8888);
		while (J.n + 4 <= sizes[k] - 3)
			job_fill(&J, 0xff000000 | J.n, J.n % 64, 0, 1, 1);
		J.w[J.n++] = GFX_CMD(GFX_OP_NOP, 0, 3);
		J.n += 2;
		queued[k] = bench_submits(fd, n, true);
		J.w[J.n - 3] = GFX_CMD(GFX_OP_FENCE, 0, 3);
		refused[k] = bench_submits(fd, n, false);
		CHECK(queued[k] > 0 && refused[k] > 0, "bench: a submit failed at %u words", sizes[k]);
	}
	printf("ok syscall %.1f us; SUBMIT refused at its last command / queued, by stream size:", sys / 1e3);
	for (int k = 0; k < 5; k++)
		printf(" %u B %.1f/%.1f us;", sizes[k] * 4, refused[k] / 1e3, queued[k] / 1e3);
	printf(" copy+validate %.2f us per KiB\n", (refused[4] - refused[1]) / 1e3 / ((sizes[4] - sizes[1]) * 4 / 1024.0));
	return 0;
}

/* ---- Mesa GBM ---- */

#ifdef HAVE_GBM

static int gbm_paint(struct gbm_bo *bo, uint32_t w, uint32_t h, const uint32_t q[4])
{
	uint32_t stride;
	void *md = NULL;
	uint8_t *p = gbm_bo_map(bo, 0, 0, w, h, GBM_BO_TRANSFER_WRITE, &stride, &md);

	CHECK(p, "gbm_bo_map: %s", strerror(errno));
	for (uint32_t y = 0; y < h; y++) {
		uint32_t *row = (uint32_t *)(p + (size_t)y * stride);

		for (uint32_t x = 0; x < w; x++)
			row[x] = q[(y >= h / 2) * 2 + (x >= w / 2)];
	}
	gbm_bo_unmap(bo, md);
	return 0;
}

static int cmd_gbm(const char *path)
{
	const uint32_t q2[4] = { 0xff808000, 0xff008080, 0xff800080, 0xff102030 };
	const uint32_t q1[4] = { 0xff202020, 0xff202020, 0xff202020, 0xff202020 };
	struct gbm_bo *bo[2];
	struct gbm_device *gbm;
	uint32_t fb[2], stride = 0;
	struct kms k;
	struct shot s;

	if (kms_init(&k, must_open(false), 0))
		return 1;
	gbm = gbm_create_device(k.fd);
	CHECK(gbm, "gbm_create_device: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		uint32_t h[4] = { 0 }, pitch[4] = { 0 }, off[4] = { 0 };

		bo[i] = gbm_bo_create(gbm, k.mode.hdisplay, k.mode.vdisplay, GBM_FORMAT_XRGB8888,
				      GBM_BO_USE_SCANOUT | GBM_BO_USE_LINEAR);
		CHECK(bo[i], "gbm_bo_create (scanout, linear): %s", strerror(errno));
		if (gbm_paint(bo[i], k.mode.hdisplay, k.mode.vdisplay, i ? q2 : q1))
			return 1;
		h[0] = gbm_bo_get_handle(bo[i]).u32;
		pitch[0] = stride = gbm_bo_get_stride(bo[i]);
		CHECK(!drmModeAddFB2(k.fd, k.mode.hdisplay, k.mode.vdisplay, DRM_FORMAT_XRGB8888, h, pitch,
				     off, &fb[i], 0), "AddFB2 of a GBM buffer: %s", strerror(errno));
	}
	CHECK(!drmModeSetCrtc(k.fd, k.crtc, fb[0], 0, 0, &k.conn, 1, &k.mode), "SetCrtc: %s", strerror(errno));
	k.req_ns = now_ns();
	CHECK(!drmModePageFlip(k.fd, k.crtc, fb[1], DRM_MODE_PAGE_FLIP_EVENT, &k), "flip: %s", strerror(errno));
	if (kms_events(&k, 1))
		return 1;
	CHECK(!take_shot(path, &s), "screenshot failed");
	if (expect_quads(&s, k.mode.hdisplay, k.mode.vdisplay, q2))
		return 1;
	printf("ok GBM backend %s: two %ux%u scanout buffers (stride %u) drawn through gbm_bo_map, "
	       "added as framebuffers, flipped, on screen\n", gbm_device_get_backend_name(gbm),
	       k.mode.hdisplay, k.mode.vdisplay, stride);
	for (int i = 0; i < 2; i++)
		gbm_bo_destroy(bo[i]);
	gbm_device_destroy(gbm);
	return 0;
}
#else
static int cmd_gbm(const char *path)
{
	printf("gfx-vm-drm was built without GBM (no libgbm-dev)\n");
	return 77;
}
#endif

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "uapi") && argc == 4)
		return cmd_uapi(argv[2], argv[3]);
	if (!strcmp(c, "kms") && argc == 4)
		return cmd_kms(argv[2], (uint32_t)atoi(argv[3]));
	if (!strcmp(c, "hang"))
		return cmd_hang();
	if (!strcmp(c, "dropped"))
		return cmd_dropped();
	if (!strcmp(c, "two"))
		return cmd_two();
	if (!strcmp(c, "fuzz") && argc >= 3)
		return cmd_fuzz(atol(argv[2]), argc > 3 ? strtoull(argv[3], NULL, 0) : 0);
	if (!strcmp(c, "spin") && argc == 3)
		return cmd_spin(argv[2]);
	if (!strcmp(c, "settle") && argc == 3)
		return cmd_settle(strtoull(argv[2], NULL, 0));
	if (!strcmp(c, "state")) {
		printf("%" PRIu64 "\n", param(must_open(true), DRM_GFX_PARAM_VRAM_FREE, 0));
		return 0;
	}
	if (!strcmp(c, "hold") && argc == 3)
		return cmd_hold(argv[2]);
	if (!strcmp(c, "rebind") && argc >= 4)
		return cmd_rebind(argv[2], atoi(argv[3]), argc > 4 && !strcmp(argv[4], "hold"));
	if (!strcmp(c, "reload") && argc == 4)
		return cmd_reload(argv[2], atoi(argv[3]));
	if (!strcmp(c, "bench"))
		return cmd_bench();
	if (!strcmp(c, "gbm") && argc == 3)
		return cmd_gbm(argv[2]);
	if (!strcmp(c, "shot") && argc >= 3)
		return cmd_shot(argv[2], argc - 3, argv + 3);
	if (!strcmp(c, "diff") && argc == 4)
		return cmd_diff(argv[2], argv[3]);
	fprintf(stderr, "usage: see the top of tests/vm/guest_drm.c\n");
	return 2;
}
