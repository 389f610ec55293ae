/* SPDX-License-Identifier: MIT */
/*
 * test_libgfx.c - every 2D operation end to end through the ring, checked
 * pixel-exact against an expectation computed in the test (by hand, or by
 * pixman on a CPU copy); clipping, format conversion, long rectangle lists,
 * ring wrap and a full ring, argument checks, the allocator and fences.
 */
#include <errno.h>
#include <limits.h>
#include <pixman.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/fixture.h"
#include "gfx.h"
#include "gfx_hw.h"
#include "harness.h"

TEST_STATE_DEFINE;

static struct fixture fx;
static struct gfx_device *dev;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint32_t bpp_of(uint32_t f)
{
	return gfx_format_bpp(f);
}

static pixman_format_code_t pixman_of(uint32_t f)
{
	switch (f) {
	case GFX_FMT_XRGB8888: return PIXMAN_x8r8g8b8;
	case GFX_FMT_ARGB8888: return PIXMAN_a8r8g8b8;
	case GFX_FMT_XBGR8888: return PIXMAN_x8b8g8r8;
	case GFX_FMT_ABGR8888: return PIXMAN_a8b8g8r8;
	default: return PIXMAN_r5g6b5;
	}
}

static bool has_alpha(uint32_t f)
{
	return f == GFX_FMT_ARGB8888 || f == GFX_FMT_ABGR8888;
}

/* A random premultiplied pixel for format f. */
static uint32_t rnd_pixel(uint32_t f)
{
	uint32_t a = rnd() & 0xff, p = rnd();

	if (f == GFX_FMT_RGB565)
		return p & 0xffff;
	if (!has_alpha(f))
		return p | 0xff000000u;
	if ((rnd() & 3) == 0)
		a = 0xff;
	return a << 24 | ((p & 0xff) * a / 255) << 16 | (((p >> 8) & 0xff) * a / 255) << 8 |
	       ((p >> 16) & 0xff) * a / 255;
}

static struct gfx_bo *new_bo(uint32_t w, uint32_t h, uint32_t f)
{
	struct gfx_bo *bo;
	int r = gfx_bo_create(dev, w, h, f, &bo);

	REQUIRE(r == 0, "bo_create %ux%u: %s", w, h, gfx_last_error(dev));
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *p = (uint8_t *)bo->map + y * bo->stride + x * bpp_of(f);

			if (bpp_of(f) == 2)
				*(uint16_t *)p = (uint16_t)rnd_pixel(f);
			else
				*(uint32_t *)p = rnd_pixel(f);
		}
	return bo;
}

/* A CPU copy of a buffer, as a pixman image (to compute expectations). */
static pixman_image_t *snapshot(const struct gfx_bo *bo)
{
	uint8_t *data = malloc((size_t)bo->stride * bo->height);

	memcpy(data, bo->map, (size_t)bo->stride * bo->height);
	return pixman_image_create_bits(pixman_of(bo->format), (int)bo->width, (int)bo->height,
					(uint32_t *)data, (int)bo->stride);
}

static void free_snapshot(pixman_image_t *img)
{
	void *data = pixman_image_get_data(img);

	pixman_image_unref(img);
	free(data);
}

static uint32_t pixel_at(const uint8_t *base, uint32_t stride, uint32_t f, uint32_t x, uint32_t y)
{
	const uint8_t *p = base + (size_t)y * stride + x * bpp_of(f);

	if (bpp_of(f) == 2)
		return *(const uint16_t *)p;
	return *(const uint32_t *)p & (has_alpha(f) ? 0xffffffffu : 0x00ffffffu);
}

/* Compare a buffer with an expected image; report the first difference. */
static void expect_image(const struct gfx_bo *bo, pixman_image_t *want, const char *what)
{
	const uint8_t *w = (const uint8_t *)pixman_image_get_data(want);
	uint32_t ws = (uint32_t)pixman_image_get_stride(want), bad = 0;

	for (uint32_t y = 0; y < bo->height; y++)
		for (uint32_t x = 0; x < bo->width; x++) {
			uint32_t got = pixel_at(bo->map, bo->stride, bo->format, x, y);
			uint32_t exp = pixel_at(w, ws, bo->format, x, y);

			if (got != exp && bad++ == 0)
				CHECK(got == exp, "%s: pixel (%u,%u) is 0x%08x, expected 0x%08x", what, x,
				      y, got, exp);
		}
	CHECK(bad == 0, "%s: %u pixels differ", what, bad);
}

static void finish(void)
{
	OK(gfx_finish(dev, 5 * SEC));
}

static uint32_t to_565(uint32_t argb)
{
	return ((argb >> 8) & 0xf800) | ((argb >> 5) & 0x07e0) | ((argb >> 3) & 0x001f);
}

/* ---- fills ---- */

static void fill_src(void *arg)
{
	uint32_t f = *(uint32_t *)arg;
	struct gfx_bo *bo = new_bo(100, 70, f);
	struct gfx_rect r[3] = { { 0, 0, 10, 10 }, { 5, 30, 95, 40 }, { 99, 0, 1, 70 } };
	uint32_t color = 0xc0803010;
	pixman_image_t *want = snapshot(bo);
	uint8_t *w = (uint8_t *)pixman_image_get_data(want);
	uint32_t px = f == GFX_FMT_RGB565 ? to_565(color)
		      : f == GFX_FMT_XBGR8888 || f == GFX_FMT_ABGR8888
			      ? (color & 0xff00ff00) | (color >> 16 & 0xff) | (color & 0xff) << 16
			      : color;

	for (int i = 0; i < 3; i++)
		for (uint32_t y = (uint32_t)r[i].y; y < r[i].y + r[i].h; y++)
			for (uint32_t x = (uint32_t)r[i].x; x < r[i].x + r[i].w; x++) {
				uint8_t *p = w + y * bo->stride + x * bpp_of(f);

				if (bpp_of(f) == 2)
					*(uint16_t *)p = (uint16_t)px;
				else
					*(uint32_t *)p = px;
			}
	OK(gfx_set_dst(dev, bo));
	OK(gfx_fill(dev, GFX_SRC, color, r, 3));
	finish();
	expect_image(bo, want, "fill SRC");
	free_snapshot(want);
	gfx_bo_destroy(dev, bo);
}

static void fill_over(void *arg)
{
	uint32_t f = *(uint32_t *)arg;
	struct gfx_bo *bo = new_bo(64, 48, f);
	struct gfx_rect r = { 3, 4, 50, 40 };
	pixman_color_t c = { 0x4040, 0x2020, 0x1010, 0x8080 };	/* premultiplied 0x80402010 */
	pixman_image_t *want = snapshot(bo), *solid = pixman_image_create_solid_fill(&c);

	pixman_image_composite32(PIXMAN_OP_OVER, solid, NULL, want, 0, 0, 0, 0, r.x, r.y,
				 (int)r.w, (int)r.h);
	OK(gfx_set_dst(dev, bo));
	OK(gfx_fill(dev, GFX_OVER, 0x80402010, &r, 1));
	finish();
	expect_image(bo, want, "fill OVER");
	pixman_image_unref(solid);
	free_snapshot(want);
	gfx_bo_destroy(dev, bo);
}

/* ---- copies ---- */

static void copy_convert(void *arg)
{
	const uint32_t *pair = arg;
	struct gfx_bo *src = new_bo(40, 30, pair[0]), *dst = new_bo(50, 40, pair[1]);
	struct gfx_copy_rect r[2] = { { 0, 0, 10, 10, 40, 30 }, { 5, 5, 0, 0, 8, 8 } };
	pixman_image_t *want = snapshot(dst), *s = snapshot(src);

	for (int i = 0; i < 2; i++)
		pixman_image_composite32(PIXMAN_OP_SRC, s, NULL, want, r[i].src_x, r[i].src_y, 0, 0,
					 r[i].dst_x, r[i].dst_y, (int)r[i].w, (int)r[i].h);
	OK(gfx_set_dst(dev, dst));
	OK(gfx_set_src(dev, src));
	OK(gfx_copy(dev, r, 2));
	finish();
	expect_image(dst, want, "copy");
	free_snapshot(want);
	free_snapshot(s);
	gfx_bo_destroy(dev, src);
	gfx_bo_destroy(dev, dst);
}

/* Overlapping copies inside one buffer behave like memmove. */
static void copy_overlap(void *arg)
{
	static const int shifts[][2] = { { 7, 5 }, { -6, -3 }, { 9, 0 }, { -9, 0 }, { 0, 11 }, { 0, -11 } };
	struct gfx_bo *bo = new_bo(80, 64, GFX_FMT_XRGB8888);

	OK(gfx_set_dst(dev, bo));
	OK(gfx_set_src(dev, bo));
	for (unsigned int i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		int dx = shifts[i][0], dy = shifts[i][1];
		struct gfx_copy_rect r = { 20, 20, 20 + dx, 20 + dy, 36, 28 };
		pixman_image_t *before = snapshot(bo), *want = snapshot(bo);
		uint8_t *b = (uint8_t *)pixman_image_get_data(before);
		uint8_t *w = (uint8_t *)pixman_image_get_data(want);

		for (uint32_t y = 0; y < r.h; y++)
			memcpy(w + (size_t)(r.dst_y + y) * bo->stride + (size_t)r.dst_x * 4,
			       b + (size_t)(r.src_y + y) * bo->stride + (size_t)r.src_x * 4, r.w * 4);
		OK(gfx_copy(dev, &r, 1));
		finish();
		expect_image(bo, want, "overlapping copy");
		free_snapshot(before);
		free_snapshot(want);
	}
	gfx_bo_destroy(dev, bo);
}

/* ---- blend ---- */

static void blend(void *arg)
{
	uint32_t dst_format = *(uint32_t *)arg;
	static const uint8_t alphas[] = { 255, 128, 1 };

	for (unsigned int i = 0; i < 3; i++) {
		struct gfx_bo *src = new_bo(32, 32, GFX_FMT_ARGB8888), *dst = new_bo(48, 40, dst_format);
		struct gfx_copy_rect r[2] = { { 0, 0, 4, 2, 32, 32 }, { 10, 10, 30, 20, 18, 20 } };
		pixman_image_t *want = snapshot(dst), *s = snapshot(src), *mask = NULL;

		if (alphas[i] < 255) {
			pixman_color_t m = { 0, 0, 0, (uint16_t)(alphas[i] * 257) };

			mask = pixman_image_create_solid_fill(&m);
		}
		for (int k = 0; k < 2; k++)
			pixman_image_composite32(PIXMAN_OP_OVER, s, mask, want, r[k].src_x, r[k].src_y,
						 0, 0, r[k].dst_x, r[k].dst_y, (int)r[k].w, (int)r[k].h);
		OK(gfx_set_dst(dev, dst));
		OK(gfx_set_src(dev, src));
		OK(gfx_blend(dev, alphas[i], r, 2));
		finish();
		expect_image(dst, want, "blend");
		if (mask)
			pixman_image_unref(mask);
		free_snapshot(want);
		free_snapshot(s);
		gfx_bo_destroy(dev, src);
		gfx_bo_destroy(dev, dst);
	}
}

/* ---- stretch ---- */

/* Nearest 3x upscale, computed by hand: dst (u, v) = src (u / 3, v / 3). */
static void stretch_nearest(void *arg)
{
	struct gfx_bo *src = new_bo(16, 12, GFX_FMT_XRGB8888), *dst = new_bo(60, 50, GFX_FMT_XRGB8888);
	pixman_image_t *want = snapshot(dst);
	uint8_t *w = (uint8_t *)pixman_image_get_data(want);
	struct gfx_rect r = { 5, 7, 48, 36 };

	for (uint32_t v = 0; v < r.h; v++)
		for (uint32_t u = 0; u < r.w; u++)
			*(uint32_t *)(w + (r.y + v) * dst->stride + (r.x + u) * 4) =
				*(uint32_t *)((uint8_t *)src->map + (v / 3) * src->stride + (u / 3) * 4);
	OK(gfx_set_dst(dev, dst));
	OK(gfx_set_src(dev, src));
	OK(gfx_stretch(dev, 0, 0, 16 << 16, 12 << 16, &r, GFX_NEAREST, GFX_SRC, 255));
	finish();
	expect_image(dst, want, "stretch nearest");
	free_snapshot(want);
	gfx_bo_destroy(dev, src);
	gfx_bo_destroy(dev, dst);
}

/* Bilinear 2x from a sub-rectangle, OVER with global alpha: pixman's answer. */
static void stretch_bilinear(void *arg)
{
	struct gfx_bo *src = new_bo(20, 20, GFX_FMT_ARGB8888), *dst = new_bo(50, 50, GFX_FMT_XRGB8888);
	pixman_image_t *want = snapshot(dst), *s = snapshot(src), *mask;
	pixman_color_t m = { 0, 0, 0, 200 * 257 };
	struct pixman_f_transform ft;
	pixman_transform_t t;
	struct gfx_rect r = { 3, 4, 32, 24 };

	/* Source rectangle (2, 4) 16x12: destination pixel u samples 2 + u / 2. */
	pixman_f_transform_init_scale(&ft, 0.5, 0.5);
	ft.m[0][2] = 2;
	ft.m[1][2] = 4;
	pixman_transform_from_pixman_f_transform(&t, &ft);
	pixman_image_set_transform(s, &t);
	pixman_image_set_filter(s, PIXMAN_FILTER_BILINEAR, NULL, 0);
	pixman_image_set_repeat(s, PIXMAN_REPEAT_PAD);
	mask = pixman_image_create_solid_fill(&m);
	pixman_image_composite32(PIXMAN_OP_OVER, s, mask, want, 0, 0, 0, 0, r.x, r.y, (int)r.w,
				 (int)r.h);
	OK(gfx_set_dst(dev, dst));
	OK(gfx_set_src(dev, src));
	OK(gfx_stretch(dev, 2 << 16, 4 << 16, 16 << 16, 12 << 16, &r, GFX_BILINEAR, GFX_OVER, 200));
	finish();
	expect_image(dst, want, "stretch bilinear");
	pixman_image_unref(mask);
	free_snapshot(want);
	free_snapshot(s);
	gfx_bo_destroy(dev, src);
	gfx_bo_destroy(dev, dst);
}

/* ---- clipping ---- */

static void clip(void *arg)
{
	struct gfx_bo *bo = new_bo(64, 64, GFX_FMT_XRGB8888);
	struct gfx_rect c[2] = { { 4, 4, 10, 10 }, { 30, 20, 20, 30 } };
	pixman_image_t *want = snapshot(bo);
	uint8_t *w = (uint8_t *)pixman_image_get_data(want);

	for (uint32_t y = 0; y < 64; y++)
		for (uint32_t x = 0; x < 64; x++) {
			bool in = false;

			for (int i = 0; i < 2; i++)
				in |= (int)x >= c[i].x && x < c[i].x + c[i].w && (int)y >= c[i].y &&
				      y < c[i].y + c[i].h;
			if (in)
				*(uint32_t *)(w + y * bo->stride + x * 4) = 0xff00ff00;
		}
	OK(gfx_set_dst(dev, bo));
	OK(gfx_set_clip(dev, c, 2));
	OK(gfx_fill(dev, GFX_SRC, 0xff00ff00, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
	finish();
	expect_image(bo, want, "clipped fill");

	/* Clipping applies to copies too; n = 0 turns it off. */
	struct gfx_bo *src = new_bo(64, 64, GFX_FMT_XRGB8888);
	OK(gfx_set_src(dev, src));
	OK(gfx_set_clip(dev, &(struct gfx_rect){ 0, 0, 8, 64 }, 1));
	OK(gfx_copy(dev, &(struct gfx_copy_rect){ 0, 0, 0, 0, 64, 64 }, 1));
	for (uint32_t y = 0; y < 64; y++)
		memcpy(w + y * bo->stride, (uint8_t *)src->map + y * src->stride, 8 * 4);
	OK(gfx_set_clip(dev, NULL, 0));
	OK(gfx_fill(dev, GFX_SRC, 0xff123456, &(struct gfx_rect){ 60, 60, 4, 4 }, 1));
	for (uint32_t y = 60; y < 64; y++)
		for (uint32_t x = 60; x < 64; x++)
			*(uint32_t *)(w + y * bo->stride + x * 4) = 0xff123456;
	finish();
	expect_image(bo, want, "clipped copy, then unclipped fill");
	free_snapshot(want);
	gfx_bo_destroy(dev, bo);
	gfx_bo_destroy(dev, src);
}

/* ---- long rectangle lists, ring wrap and a full ring ---- */

/* 1x1 fills, pixel i gets colour i: proves every command ran, in order. */
static void check_pixel_index(struct gfx_bo *bo, uint32_t n, const char *what)
{
	uint32_t bad = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t got = pixel_at(bo->map, bo->stride, bo->format, i % bo->width, i / bo->width);

		if (got != (i & 0xffffff) && bad++ == 0)
			CHECK(0, "%s: pixel %u is 0x%x", what, i, got);
	}
	CHECK(bad == 0, "%s: %u pixels wrong", what, bad);
}

static void long_rect_list(void *arg)
{
	uint32_t n = 20000;
	struct gfx_bo *bo = new_bo(200, 100, GFX_FMT_XRGB8888);
	struct gfx_rect *r = calloc(n, sizeof(*r));

	OK(gfx_set_dst(dev, bo));
	OK(gfx_fill(dev, GFX_SRC, 0xff000000, &(struct gfx_rect){ 0, 0, 200, 100 }, 1));
	for (uint32_t i = 0; i < n; i++)
		r[i] = (struct gfx_rect){ (int32_t)(i % 200), (int32_t)(i / 200), 1, 1 };
	/* One call, split into many commands: every other pixel white. */
	OK(gfx_fill(dev, GFX_SRC, 0xffffffff, r, n));
	finish();
	for (uint32_t i = 0; i < n; i++)
		if (pixel_at(bo->map, bo->stride, bo->format, i % 200, i / 200) != 0xffffff) {
			CHECK(0, "pixel %u not filled", i);
			break;
		}
	free(r);
	gfx_bo_destroy(dev, bo);
}

static void ring_wrap_full(void *arg)
{
	/* ~3 laps of a 256 KiB ring without a submit: backpressure must make room. */
	uint32_t n = 60000, w = 256;
	struct gfx_bo *bo = new_bo(w, (n + w - 1) / w, GFX_FMT_XRGB8888);
	struct gfx_info info;
	uint64_t fence0;

	REQUIRE(fixture_info(dev, &info) == 0);
	fence0 = info.fence_done;

	OK(gfx_set_dst(dev, bo));
	for (uint32_t i = 0; i < n; i++) {
		struct gfx_rect r[2] = { { (int32_t)(i % w), (int32_t)(i / w), 1, 1 },
					 { (int32_t)(i % w), (int32_t)(i / w), 1, 1 } };

		/* 4- and 6-word commands, so commands straddle the wrap point. */
		OK(gfx_fill(dev, GFX_SRC, i & 0xffffff, r, 1 + (i % 3 == 0)));
	}
	finish();
	check_pixel_index(bo, n, "after ring wrap");
	/* At 4-6 words per command, n commands are several ring laps (drm: several jobs). */
	if (fixture_has_regs(dev))
		CHECK((uint64_t)n * 4 * 4 > 2ull * fixture_reg32(bo, GFX_REG_RING_SIZE), "ring of %u bytes",
		      fixture_reg32(bo, GFX_REG_RING_SIZE));
	REQUIRE(fixture_info(dev, &info) == 0);
	CHECK(gfx_seqno_passed(info.fence_done, fence0 + 1), "fence done %llu, was %llu",
	      (unsigned long long)info.fence_done, (unsigned long long)fence0);
	gfx_bo_destroy(dev, bo);
}

/* ---- argument checks: -EINVAL, nothing reaches the ring ---- */

static void bad_arguments(void *arg)
{
	struct gfx_bo *bo = new_bo(32, 32, GFX_FMT_XRGB8888), fake;
	struct gfx_info info;
	struct gfx_bo *tmp;
	uint32_t errors;

	REQUIRE(fixture_info(dev, &info) == 0);
	errors = info.error_count;

	OK(gfx_set_dst(dev, bo));
	OK(gfx_set_src(dev, bo));
	CHECK(gfx_fill(dev, GFX_SRC, 0, &(struct gfx_rect){ 30, 0, 3, 1 }, 1) == -EINVAL);
	CHECK(strstr(gfx_last_error(dev), "outside"), "%s", gfx_last_error(dev));
	CHECK(gfx_fill(dev, GFX_SRC, 0, &(struct gfx_rect){ -1, 0, 3, 1 }, 1) == -EINVAL);
	CHECK(gfx_fill(dev, GFX_SRC, 0, &(struct gfx_rect){ 0, 0, 0, 1 }, 1) == -EINVAL);
	CHECK(gfx_fill(dev, GFX_SRC, 0, &(struct gfx_rect){ 0, 0, 1, 0 }, 1) == -EINVAL);
	CHECK(gfx_fill(dev, 7, 0, &(struct gfx_rect){ 0, 0, 1, 1 }, 1) == -EINVAL);
	CHECK(gfx_copy(dev, &(struct gfx_copy_rect){ 0, 0, 16, 16, 17, 1 }, 1) == -EINVAL);
	CHECK(gfx_copy(dev, &(struct gfx_copy_rect){ 20, 0, 0, 0, 13, 1 }, 1) == -EINVAL);
	CHECK(gfx_blend(dev, 255, &(struct gfx_copy_rect){ 0, 40, 0, 0, 1, 1 }, 1) == -EINVAL);
	CHECK(gfx_stretch(dev, 0, 0, 33 << 16, 1 << 16, &(struct gfx_rect){ 0, 0, 4, 4 },
			  GFX_NEAREST, GFX_SRC, 255) == -EINVAL);
	CHECK(gfx_stretch(dev, 0, 0, 0, 1 << 16, &(struct gfx_rect){ 0, 0, 4, 4 }, GFX_NEAREST,
			  GFX_SRC, 255) == -EINVAL);
	CHECK(gfx_stretch(dev, 0, 0, 4 << 16, 4 << 16, &(struct gfx_rect){ 30, 0, 4, 4 },
			  GFX_BILINEAR, GFX_SRC, 255) == -EINVAL);
	CHECK(gfx_set_clip(dev, &(struct gfx_rect){ 0, 0, 0, 5 }, 1) == -EINVAL);
	/* A raw command longer than the ring; its length plus the fence reserve must not wrap. */
	CHECK(gfx_emit_raw(dev, (uint32_t[]){ 0 }, UINT_MAX - 1) == -EINVAL);
	CHECK(gfx_emit_raw(dev, (uint32_t[]){ 0 }, UINT_MAX) == -EINVAL);
	/* Surfaces: in the register page, past VRAM, bad stride, bad format. */
	fake = *bo;
	fake.offset = 0;
	CHECK(gfx_set_dst(dev, &fake) == -EINVAL);
	fake = *bo;
	fake.offset = 0xfffff000u;
	CHECK(gfx_set_src(dev, &fake) == -EINVAL);
	fake = *bo;
	fake.stride = 30;
	CHECK(gfx_set_dst(dev, &fake) == -EINVAL);
	fake = *bo;
	fake.format = GFX_FOURCC('N', 'V', '1', '2');
	CHECK(gfx_set_dst(dev, &fake) == -EINVAL);
	CHECK(gfx_flip(dev, bo, 0) == -EINVAL);	/* not the mode's size */
	CHECK(gfx_bo_create(dev, 0, 10, GFX_FMT_XRGB8888, &tmp) == -EINVAL);
	CHECK(gfx_bo_create(dev, 10, 10, GFX_FOURCC('N', 'V', '1', '2'), &tmp) == -EINVAL);
	/* The limits of gfx_hw.h: a side past GFX_MAX_SURFACE_SIDE is refused, one at it is only big. */
	CHECK(gfx_bo_create(dev, GFX_MAX_SURFACE_SIDE + 1, 16, GFX_FMT_XRGB8888, &tmp) == -EINVAL);
	CHECK(gfx_bo_create(dev, 16, GFX_MAX_SURFACE_SIDE + 1, GFX_FMT_XRGB8888, &tmp) == -EINVAL);
	CHECK(gfx_bo_create(dev, GFX_MAX_SURFACE_SIDE, GFX_MAX_SURFACE_SIDE, GFX_FMT_XRGB8888,
			    &tmp) == -ENOSPC);
	fake = *bo;
	fake.width = GFX_MAX_SURFACE_SIDE + 1;
	fake.stride = GFX_MAX_STRIDE;
	CHECK(gfx_set_dst(dev, &fake) == -EINVAL);
	fake = *bo;
	fake.stride = GFX_MAX_STRIDE + 64;
	CHECK(gfx_set_src(dev, &fake) == -EINVAL);
	/* The valid state is intact and nothing bad reached the device. */
	OK(gfx_fill(dev, GFX_SRC, 0xff0000ff, &(struct gfx_rect){ 0, 0, 32, 32 }, 1));
	finish();
	CHECK(pixel_at(bo->map, bo->stride, bo->format, 31, 31) == 0x0000ff);
	REQUIRE(fixture_info(dev, &info) == 0);
	CHECK(info.error_count == errors, "%u device errors, was %u", info.error_count, errors);
	gfx_bo_destroy(dev, bo);
}

/* ---- allocator ---- */

static void allocator(void *arg)
{
	struct gfx_info info;
	struct gfx_bo *bo[64];
	uint64_t free0;

	finish();
	OK(gfx_get_info(dev, &info));
	free0 = info.vram_free;
	for (int i = 0; i < 64; i++) {
		uint32_t w = 1 + rnd() % 300, h = 1 + rnd() % 200;
		uint32_t f = i % 3 == 0 ? GFX_FMT_RGB565 : GFX_FMT_ARGB8888;

		OK(gfx_bo_create(dev, w, h, f, &bo[i]));
		CHECK(bo[i]->offset % 4096 == 0);
		CHECK(bo[i]->stride % 64 == 0);
		CHECK(bo[i]->stride >= w * gfx_format_bpp(f));
		CHECK(bo[i]->size >= bo[i]->stride * h);
		/* One mapping of all VRAM (umd); a mapping per buffer on drm. */
		if (!fixture_is_drm(dev))
			CHECK((uint8_t *)bo[i]->map - (uint8_t *)bo[0]->map ==
			      (intptr_t)bo[i]->offset - (intptr_t)bo[0]->offset);
		for (int k = 0; k < i; k++)
			CHECK(bo[i]->offset >= bo[k]->offset + bo[k]->size ||
			      bo[k]->offset >= bo[i]->offset + bo[i]->size, "bo %d overlaps bo %d", i, k);
	}
	/* Free every other one, then allocate into the holes (best fit). */
	for (int i = 0; i < 64; i += 2)
		gfx_bo_destroy(dev, bo[i]);
	for (int i = 0; i < 64; i += 2)
		OK(gfx_bo_create(dev, 16, 16, GFX_FMT_XRGB8888, &bo[i]));
	for (int i = 0; i < 64; i++)
		gfx_bo_destroy(dev, bo[i]);
	finish();
	OK(gfx_get_info(dev, &info));
	CHECK(info.vram_free == free0, "free %llu, was %llu (ranges must coalesce)",
	      (unsigned long long)info.vram_free, (unsigned long long)free0);
	/* Everything coalesced: one buffer of all free VRAM fits. */
	struct gfx_bo *big;
	OK(gfx_bo_create(dev, 4096,
			 free0 / 16384 > GFX_MAX_SURFACE_SIDE ? GFX_MAX_SURFACE_SIDE : (uint32_t)(free0 / 16384),
			 GFX_FMT_XRGB8888, &big));
	gfx_bo_destroy(dev, big);
}

/* A destroyed buffer's VRAM is not reused while queued commands may use it. */
static void deferred_destroy(void *arg)
{
	struct gfx_bo *a, *b, *c;
	uint32_t off;

	finish();
	OK(gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &a));
	off = a->offset;
	OK(gfx_set_dst(dev, a));
	OK(gfx_fill(dev, GFX_SRC, 0xffffffff, &(struct gfx_rect){ 0, 0, 64, 64 }, 1));
	gfx_bo_destroy(dev, a);		/* the fill is not even submitted yet */
	OK(gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &b));
	/* kms: the CPU ran the fill when the buffer was destroyed: not busy, reused at once. */
	if (!fixture_has_regs(dev) && !fixture_is_drm(dev)) {
		CHECK(b->offset == off, "freed memory (0x%x) not reused: got 0x%x", off, b->offset);
		gfx_bo_destroy(dev, b);
		return;
	}
	CHECK(b->offset != off, "VRAM of a busy buffer was reused");
	finish();
	/* libgfx's best fit gives the hole back at once; the kernel's allocator chooses its own. */
	OK(gfx_bo_create(dev, 64, 64, GFX_FMT_XRGB8888, &c));
	if (!fixture_is_drm(dev))
		CHECK(c->offset == off, "freed VRAM (0x%x) not reused after its fence: got 0x%x", off,
		      c->offset);
	gfx_bo_destroy(dev, b);
	gfx_bo_destroy(dev, c);
}

/* ---- fences and events ---- */

static void on_event(struct gfx_device *d, const struct gfx_event *ev, void *data)
{
	struct gfx_event *last = data;

	last[ev->type] = *ev;
	last[ev->type].type = ev->type + 100;	/* mark as seen */
}

static void fences(void *arg)
{
	uint64_t a, b, c;
	struct gfx_event seen[8];

	OK(gfx_fence(dev, false, &a));
	OK(gfx_fence(dev, true, &b));
	/* umd: each fence is a FENCE command; drm: a job's seqno, the same without new work. */
	CHECK(gfx_seqno_passed(b, a) && b - a <= 1, "fence %llu after %llu", (unsigned long long)b,
	      (unsigned long long)a);
	if (fixture_has_regs(dev))
		CHECK(!gfx_fence_done(dev, b));	/* not submitted (drm, kms: gfx_fence submits) */
	OK(gfx_fence_wait(dev, b, 5 * SEC));
	CHECK(gfx_fence_done(dev, a) && gfx_fence_done(dev, b));
	/* A fence without an interrupt can still be waited for. */
	OK(gfx_fence(dev, false, &c));
	OK(gfx_submit(dev));
	OK(gfx_fence_wait(dev, c, 5 * SEC));
	CHECK(gfx_fence_wait(dev, c + 1000, 0) == -EINVAL, "never emitted");
	/* A zero timeout on a passed fence succeeds. */
	OK(gfx_fence_wait(dev, c, 0));

	/* A sync_file needs gfx_drm's fences; elsewhere a clear refusal that hands out nothing. */
	struct gfx_info info;
	int sfd;

	OK(gfx_get_info(dev, &info));
	if (!strncmp(info.backend, "drm", 3)) {
		struct pollfd p;

		OK(gfx_fence_export(dev, c, &sfd));
		p = (struct pollfd){ .fd = sfd, .events = POLLIN };
		CHECK(poll(&p, 1, 5000) == 1, "the sync_file of a done fence did not signal");
		close(sfd);
	} else {
		CHECK(gfx_fence_export(dev, c, &sfd) == -EOPNOTSUPP && sfd == -1,
		      "%s exported a sync_file", info.backend);
	}

	/*
	 * The event loop: the fd polls readable and dispatch reports the fence
	 * (umd: the FENCE interrupt; drm: the job's sync_file in the fd's
	 * epoll set; the CPU drivers have run the work by the time the fence
	 * exists, so their fd need not wake).
	 */
	memset(seen, 0, sizeof(seen));
	struct gfx_rect r1 = { 0, 0, 256, 256 };
	struct gfx_bo *target;
	bool woke = false;

	OK(gfx_bo_create(dev, 256, 256, GFX_FMT_XRGB8888, &target));
	OK(gfx_set_dst(dev, target));
	OK(gfx_fill(dev, GFX_SRC, 0xff102030u, &r1, 1));	/* work for the fence to wait for */
	OK(gfx_fence(dev, true, &c));
	OK(gfx_submit(dev));
	for (int i = 0; i < 200 && (seen[GFX_EVENT_FENCE].type == 0 ||
				    !gfx_seqno_passed(seen[GFX_EVENT_FENCE].seq, c)); i++) {
		struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

		woke |= poll(&p, 1, 10) == 1;
		OK(gfx_dispatch(dev, on_event, seen));
	}
	CHECK(seen[GFX_EVENT_FENCE].type != 0, "no fence event");
	CHECK(gfx_seqno_passed(seen[GFX_EVENT_FENCE].seq, c));
	if (fixture_is_drm(dev) || fixture_has_regs(dev))
		CHECK(woke, "the fd never woke for the fence");
	gfx_bo_destroy(dev, target);

	/* A new client continues the sequence from FENCE_DONE. */
	struct gfx_device *d2;
	gfx_close(dev);
	dev = fixture_open(&fx);
	REQUIRE(dev);
	(void)d2;
	OK(gfx_fence(dev, false, &a));
	CHECK(a > c, "seqno %llu after %llu", (unsigned long long)a, (unsigned long long)c);
	finish();
}

/* ---- main ---- */

int main(void)
{
	static uint32_t fmts[] = { GFX_FMT_XRGB8888, GFX_FMT_ARGB8888, GFX_FMT_XBGR8888,
				   GFX_FMT_ABGR8888, GFX_FMT_RGB565 };
	static const char *names[] = { "xrgb8888", "argb8888", "xbgr8888", "abgr8888", "rgb565" };
	static uint32_t pairs[][2] = {
		{ GFX_FMT_XRGB8888, GFX_FMT_XRGB8888 }, { GFX_FMT_ARGB8888, GFX_FMT_ARGB8888 },
		{ GFX_FMT_RGB565, GFX_FMT_XRGB8888 },   { GFX_FMT_XRGB8888, GFX_FMT_RGB565 },
		{ GFX_FMT_ARGB8888, GFX_FMT_ABGR8888 }, { GFX_FMT_ABGR8888, GFX_FMT_XRGB8888 },
		{ GFX_FMT_XBGR8888, GFX_FMT_ARGB8888 }, { GFX_FMT_RGB565, GFX_FMT_ABGR8888 },
		{ GFX_FMT_ARGB8888, GFX_FMT_RGB565 },
	};
	char name[96];

	if (fixture_start(&fx, NULL) < 0 || !(dev = fixture_open(&fx))) {
		printf("FAIL libgfx_setup: no device (see stderr)\n");
		fixture_stop(&fx);
		return 1;
	}
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "fill_src_%s", names[i]);
		run_test(name, fill_src, &fmts[i]);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "fill_over_%s", names[i]);
		run_test(name, fill_over, &fmts[i]);
	}
	for (unsigned int i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		int a = 0, b = 0;

		for (int k = 0; k < 5; k++) {
			if (fmts[k] == pairs[i][0])
				a = k;
			if (fmts[k] == pairs[i][1])
				b = k;
		}
		snprintf(name, sizeof(name), "copy_%s_to_%s", names[a], names[b]);
		run_test(name, copy_convert, pairs[i]);
	}
	run_test("copy_overlapping", copy_overlap, NULL);
	run_test("blend_onto_xrgb8888", blend, &fmts[0]);
	run_test("blend_onto_argb8888", blend, &fmts[1]);
	run_test("blend_onto_rgb565", blend, &fmts[4]);
	run_test("stretch_nearest", stretch_nearest, NULL);
	run_test("stretch_bilinear_over", stretch_bilinear, NULL);
	run_test("clip", clip, NULL);
	run_test("long_rect_list_split", long_rect_list, NULL);
	run_test("ring_wrap_and_full_ring", ring_wrap_full, NULL);
	run_test("bad_arguments_einval", bad_arguments, NULL);
	run_test("allocator", allocator, NULL);
	run_test("deferred_destroy", deferred_destroy, NULL);
	run_test("fences", fences, NULL);
	gfx_close(dev);
	fixture_stop(&fx);
	return TEST_EXIT();
}
