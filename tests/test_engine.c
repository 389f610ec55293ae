// SPDX-License-Identifier: MIT
/*
 * test_engine.c - the 2D engine, pixel-exact against pixman run here in
 * the test (or expectations written by hand), for every operation, every
 * format pair, clipping, overlapping copies, banding across threads and
 * every validation error.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <pixman.h>
#include <sys/mman.h>

#include "gfx_hw.h"
#include "harness.h"
#include "engine.h"

TEST_STATE_DEFINE;

#define VRAM_SIZE (32u << 20)
#define DST_OFF 0x100000u
#define SRC_OFF 0x800000u

static uint8_t *vram;
static struct engine *eng;

static const struct { uint32_t fourcc; pixman_format_code_t pf; uint32_t bpp; const char *name; } fmts[] = {
	{ GFX_FMT_XRGB8888, PIXMAN_x8r8g8b8, 4, "XR24" },
	{ GFX_FMT_ARGB8888, PIXMAN_a8r8g8b8, 4, "AR24" },
	{ GFX_FMT_XBGR8888, PIXMAN_x8b8g8r8, 4, "XB24" },
	{ GFX_FMT_ABGR8888, PIXMAN_a8b8g8r8, 4, "AB24" },
	{ GFX_FMT_RGB565, PIXMAN_r5g6b5, 2, "RG16" },
};
#define NFMTS 5

struct surf {
	uint32_t off, w, h, stride, fmt;
	pixman_format_code_t pf;
	uint32_t bpp;
};

static struct surf make_surf(uint32_t off, uint32_t w, uint32_t h, int f)
{
	struct surf s = { off, w, h, 0, fmts[f].fourcc, fmts[f].pf, fmts[f].bpp };

	s.stride = (w * s.bpp + 63) & ~63u;
	return s;
}

static uint32_t bind(unsigned int slot, const struct surf *s)
{
	uint32_t p[5] = { s->off, s->w, s->h, s->stride, s->fmt };

	return engine_set_surface(eng, slot, p, 5);
}

static void randomize(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* Make a premultiplied ARGB buffer valid (colour <= alpha), like real content. */
static void premultiply(uint8_t *p, const struct surf *s)
{
	if (s->fmt != GFX_FMT_ARGB8888 && s->fmt != GFX_FMT_ABGR8888)
		return;
	for (uint32_t y = 0; y < s->h; y++) {
		uint8_t *row = p + (size_t)y * s->stride;

		for (uint32_t x = 0; x < s->w; x++) {
			uint8_t *px = row + 4 * x;

			for (int c = 0; c < 3; c++)
				px[c] = (uint8_t)(px[c] * px[3] / 255);
		}
	}
}

static size_t surf_bytes(const struct surf *s)
{
	return (size_t)s->stride * s->h;
}

/* A private copy of a surface's memory, with a pixman image on it. */
struct ref {
	uint8_t *mem;
	pixman_image_t *img;
};

static struct ref ref_of(const struct surf *s)
{
	struct ref r;

	r.mem = malloc(surf_bytes(s));
	memcpy(r.mem, vram + s->off, surf_bytes(s));
	r.img = pixman_image_create_bits(s->pf, (int)s->w, (int)s->h, (uint32_t *)r.mem, (int)s->stride);
	return r;
}

static void ref_free(struct ref *r)
{
	pixman_image_unref(r->img);
	free(r->mem);
}

/* Compare the visible pixels of s in VRAM with r; returns mismatches. */
static int compare(const struct surf *s, const struct ref *r, const char *what)
{
	int bad = 0;

	for (uint32_t y = 0; y < s->h; y++) {
		const uint8_t *a = vram + s->off + (size_t)y * s->stride, *b = r->mem + (size_t)y * s->stride;

		for (uint32_t x = 0; x < s->w; x++) {
			if (memcmp(a + x * s->bpp, b + x * s->bpp, s->bpp)) {
				if (bad++ < 3) {
					uint32_t va = 0, vb = 0;

					memcpy(&va, a + x * s->bpp, s->bpp);
					memcpy(&vb, b + x * s->bpp, s->bpp);
					fprintf(stderr, "  %s: (%u,%u) engine %08x pixman %08x\n", what, x, y, va, vb);
				}
			}
		}
	}
	return bad;
}

static pixman_image_t *solid(uint32_t argb)
{
	pixman_color_t c = { (uint16_t)(((argb >> 16) & 0xff) * 257), (uint16_t)(((argb >> 8) & 0xff) * 257),
			     (uint16_t)((argb & 0xff) * 257), (uint16_t)((argb >> 24) * 257) };

	return pixman_image_create_solid_fill(&c);
}

static void reset(void)
{
	uint32_t none[1];

	engine_reset(eng);
	engine_set_clip(eng, none, 0);
}

/* ---- cases ---- */

static void test_fill_src_all_formats(void *arg)
{
	for (int f = 0; f < NFMTS; f++) {
		struct surf d = make_surf(DST_OFF, 61, 37, f);
		uint32_t cmd[5] = { 0x80ff8040, GFX_PACK(3, 4), GFX_PACK(50, 20), GFX_PACK(0, 30), GFX_PACK(61, 7) };
		pixman_image_t *c = solid(cmd[0]);
		struct ref r;

		randomize(vram + d.off, surf_bytes(&d), 1 + f);
		REQUIRE(bind(GFX_SURFACE_DST, &d) == GFX_ERR_NONE);
		r = ref_of(&d);
		CHECK(engine_fill(eng, 0, cmd, 5) == GFX_ERR_NONE);
		pixman_image_composite32(PIXMAN_OP_SRC, c, NULL, r.img, 0, 0, 0, 0, 3, 4, 50, 20);
		pixman_image_composite32(PIXMAN_OP_SRC, c, NULL, r.img, 0, 0, 0, 0, 0, 30, 61, 7);
		CHECK(compare(&d, &r, fmts[f].name) == 0, "format %s", fmts[f].name);
		pixman_image_unref(c);
		ref_free(&r);
	}
}

static void test_fill_by_hand(void *arg)
{
	struct surf d = make_surf(DST_OFF, 8, 4, 4);	/* RGB565 */
	uint32_t cmd[3] = { 0xffff8000, GFX_PACK(1, 1), GFX_PACK(2, 2) };
	uint16_t *px = (uint16_t *)(vram + d.off);

	memset(vram + d.off, 0, surf_bytes(&d));
	REQUIRE(bind(GFX_SURFACE_DST, &d) == GFX_ERR_NONE);
	CHECK(engine_fill(eng, 0, cmd, 3) == GFX_ERR_NONE);
	/* ff8000 -> r=31, g=0x80>>2=32, b=0 */
	CHECK(px[d.stride / 2 + 1] == (31 << 11 | 32 << 5), "%04x", px[d.stride / 2 + 1]);
	CHECK(px[0] == 0 && px[d.stride / 2 + 3] == 0 && px[d.stride + 2] == (31 << 11 | 32 << 5));
}

static void test_fill_over(void *arg)
{
	for (int f = 0; f < NFMTS; f++) {
		struct surf d = make_surf(DST_OFF, 40, 30, f);
		uint32_t cmd[3] = { 0x80402010, GFX_PACK(5, 5), GFX_PACK(30, 20) };
		pixman_image_t *c = solid(cmd[0]);
		struct ref r;

		randomize(vram + d.off, surf_bytes(&d), 7 + f);
		premultiply(vram + d.off, &d);
		REQUIRE(bind(GFX_SURFACE_DST, &d) == GFX_ERR_NONE);
		r = ref_of(&d);
		CHECK(engine_fill(eng, GFX_FLAG_OVER, cmd, 3) == GFX_ERR_NONE);
		pixman_image_composite32(PIXMAN_OP_OVER, c, NULL, r.img, 0, 0, 0, 0, 5, 5, 30, 20);
		CHECK(compare(&d, &r, fmts[f].name) == 0, "format %s", fmts[f].name);
		pixman_image_unref(c);
		ref_free(&r);
	}
}

static void test_copy_conversions(void *arg)
{
	for (int sf = 0; sf < NFMTS; sf++) {
		for (int df = 0; df < NFMTS; df++) {
			struct surf s = make_surf(SRC_OFF, 33, 21, sf), d = make_surf(DST_OFF, 47, 29, df);
			uint32_t cmd[6] = { GFX_PACK(2, 3), GFX_PACK(10, 4), GFX_PACK(31, 18),
					    GFX_PACK(0, 0), GFX_PACK(46, 28), GFX_PACK(1, 1) };
			pixman_image_t *si;
			struct ref r;

			randomize(vram + s.off, surf_bytes(&s), 100 + sf);
			premultiply(vram + s.off, &s);
			randomize(vram + d.off, surf_bytes(&d), 200 + df);
			REQUIRE(bind(GFX_SURFACE_SRC, &s) == GFX_ERR_NONE);
			REQUIRE(bind(GFX_SURFACE_DST, &d) == GFX_ERR_NONE);
			r = ref_of(&d);
			si = pixman_image_create_bits(s.pf, (int)s.w, (int)s.h, (uint32_t *)(vram + s.off), (int)s.stride);
			CHECK(engine_copy(eng, cmd, 6) == GFX_ERR_NONE);
			pixman_image_composite32(PIXMAN_OP_SRC, si, NULL, r.img, 2, 3, 0, 0, 10, 4, 31, 18);
			pixman_image_composite32(PIXMAN_OP_SRC, si, NULL, r.img, 0, 0, 0, 0, 46, 28, 1, 1);
			CHECK(compare(&d, &r, "copy") == 0, "%s -> %s", fmts[sf].name, fmts[df].name);
			pixman_image_unref(si);
			ref_free(&r);
		}
	}
}

static void test_blend(void *arg)
{
	static const uint32_t alphas[] = { 255, 128, 1 };

	for (int sf = 0; sf < NFMTS; sf++) {
		for (int df = 0; df < NFMTS; df += 1) {
			for (unsigned int a = 0; a < 3; a++) {
				struct surf s = make_surf(SRC_OFF, 50, 40, sf), d = make_surf(DST_OFF, 50, 40, df);
				uint32_t cmd[4] = { alphas[a], GFX_PACK(1, 2), GFX_PACK(3, 1), GFX_PACK(45, 37) };
				pixman_image_t *si, *mask = alphas[a] < 255 ? solid(alphas[a] << 24) : NULL;
				struct ref r;

				randomize(vram + s.off, surf_bytes(&s), 300 + sf);
				premultiply(vram + s.off, &s);
				randomize(vram + d.off, surf_bytes(&d), 400 + df);
				premultiply(vram + d.off, &d);
				REQUIRE(bind(GFX_SURFACE_SRC, &s) == GFX_ERR_NONE);
				REQUIRE(bind(GFX_SURFACE_DST, &d) == GFX_ERR_NONE);
				r = ref_of(&d);
				si = pixman_image_create_bits(s.pf, (int)s.w, (int)s.h, (uint32_t *)(vram + s.off),
							      (int)s.stride);
				CHECK(engine_blend(eng, cmd, 4) == GFX_ERR_NONE);
				pixman_image_composite32(PIXMAN_OP_OVER, si, mask, r.img, 1, 2, 0, 0, 3, 1, 45, 37);
				CHECK(compare(&d, &r, "blend") == 0, "%s over %s alpha %u", fmts[sf].name,
				      fmts[df].name, alphas[a]);
				pixman_image_unref(si);
				if (mask)
					pixman_image_unref(mask);
				ref_free(&r);
			}
		}
	}
}

static void test_blend_by_hand(void *arg)
{
	struct surf s = make_surf(SRC_OFF, 1, 1, 1), d = make_surf(DST_OFF, 1, 1, 0);
	uint32_t cmd[4] = { 255, 0, 0, GFX_PACK(1, 1) };

	*(uint32_t *)(vram + s.off) = 0x80800000;	/* half-transparent red, premultiplied */
	*(uint32_t *)(vram + d.off) = 0xff0000ff;	/* blue */
	REQUIRE(bind(GFX_SURFACE_SRC, &s) == 0 && bind(GFX_SURFACE_DST, &d) == 0);
	CHECK(engine_blend(eng, cmd, 4) == GFX_ERR_NONE);
	/* r = 0x80 + 0*(1-a); b = 0xff * (1 - 128/255) = 127 (pixman rounding) */
	uint32_t v = *(uint32_t *)(vram + d.off) & 0xffffff;
	CHECK(v == 0x80007f, "%06x", v);
}

static void test_stretch_nearest_by_hand(void *arg)
{
	struct surf s = make_surf(SRC_OFF, 2, 2, 0), d = make_surf(DST_OFF, 4, 4, 0);
	uint32_t *sp = (uint32_t *)(vram + s.off), *dp = (uint32_t *)(vram + d.off);
	uint32_t cmd[8] = { 0, 0, 2 << 16, 2 << 16, 0, GFX_PACK(4, 4), 255, 0 };

	sp[0] = 0xff000001;
	sp[1] = 0xff000002;
	sp[s.stride / 4] = 0xff000003;
	sp[s.stride / 4 + 1] = 0xff000004;
	REQUIRE(bind(GFX_SURFACE_SRC, &s) == 0 && bind(GFX_SURFACE_DST, &d) == 0);
	CHECK(engine_stretch(eng, 0, cmd, 8) == GFX_ERR_NONE);
	for (int y = 0; y < 4; y++)
		for (int x = 0; x < 4; x++)
			CHECK((dp[y * d.stride / 4 + x] & 0xff) == (uint32_t)(1 + x / 2 + 2 * (y / 2)),
			      "(%d,%d) = %08x", x, y, dp[y * d.stride / 4 + x]);
}

static void stretch_case(int sf, int df, uint32_t flags, uint32_t alpha, uint32_t sx, uint32_t sy, uint32_t sw,
			 uint32_t sh, uint32_t dx, uint32_t dy, uint32_t dw, uint32_t dh, uint32_t sW, uint32_t sH,
			 uint32_t dW, uint32_t dH)
{
	struct surf s = make_surf(SRC_OFF, sW, sH, sf), d = make_surf(DST_OFF, dW, dH, df);
	uint32_t cmd[8] = { sx, sy, sw, sh, GFX_PACK(dx, dy), GFX_PACK(dw, dh), alpha, 0 };
	struct pixman_f_transform ft;
	pixman_transform_t t;
	pixman_image_t *si, *mask = alpha < 255 ? solid(alpha << 24) : NULL;
	struct ref r;

	randomize(vram + s.off, surf_bytes(&s), 500 + sf);
	premultiply(vram + s.off, &s);
	randomize(vram + d.off, surf_bytes(&d), 600 + df);
	premultiply(vram + d.off, &d);
	REQUIRE(bind(GFX_SURFACE_SRC, &s) == 0 && bind(GFX_SURFACE_DST, &d) == 0);
	r = ref_of(&d);
	si = pixman_image_create_bits(s.pf, (int)s.w, (int)s.h, (uint32_t *)(vram + s.off), (int)s.stride);
	pixman_f_transform_init_identity(&ft);
	ft.m[0][0] = sw / 65536.0 / dw;
	ft.m[0][2] = sx / 65536.0;
	ft.m[1][1] = sh / 65536.0 / dh;
	ft.m[1][2] = sy / 65536.0;
	pixman_transform_from_pixman_f_transform(&t, &ft);
	pixman_image_set_transform(si, &t);
	pixman_image_set_filter(si, flags & GFX_FLAG_BILINEAR ? PIXMAN_FILTER_BILINEAR : PIXMAN_FILTER_NEAREST,
				NULL, 0);
	pixman_image_set_repeat(si, PIXMAN_REPEAT_PAD);
	CHECK(engine_stretch(eng, flags, cmd, 8) == GFX_ERR_NONE);
	pixman_image_composite32(flags & GFX_FLAG_OVER ? PIXMAN_OP_OVER : PIXMAN_OP_SRC, si, mask, r.img,
				 0, 0, 0, 0, (int)dx, (int)dy, (int)dw, (int)dh);
	CHECK(compare(&d, &r, "stretch") == 0, "%s -> %s flags %u alpha %u", fmts[sf].name, fmts[df].name,
	      flags, alpha);
	pixman_image_unref(si);
	if (mask)
		pixman_image_unref(mask);
	ref_free(&r);
}

static void test_stretch(void *arg)
{
	for (uint32_t flags = 0; flags < 4; flags++) {
		/* upscale 1.5x of a sub-rectangle with a fractional origin, downscale, odd sizes */
		stretch_case(1, 0, flags, 255, 3 << 16 | 0x8000, 2 << 16, 20 << 16, 15 << 16, 4, 5, 30, 23, 40, 30, 50, 40);
		stretch_case(0, 1, flags, 200, 0, 0, 40 << 16, 30 << 16, 1, 1, 13, 9, 40, 30, 20, 20);
		stretch_case(4, 3, flags, 77, 1 << 16, 1 << 16, 10 << 16, 10 << 16, 0, 0, 37, 41, 12, 12, 37, 41);
	}
}

static void test_clip(void *arg)
{
	struct surf d = make_surf(DST_OFF, 20, 20, 0);
	uint32_t clip[4] = { GFX_PACK(2, 2), GFX_PACK(4, 4), GFX_PACK(10, 0), GFX_PACK(3, 20) };
	uint32_t fill[3] = { 0xffabcdef, 0, GFX_PACK(20, 20) };
	uint32_t *px = (uint32_t *)(vram + d.off);

	memset(vram + d.off, 0, surf_bytes(&d));
	REQUIRE(bind(GFX_SURFACE_DST, &d) == 0);
	REQUIRE(engine_set_clip(eng, clip, 4) == GFX_ERR_NONE);
	CHECK(engine_fill(eng, 0, fill, 3) == GFX_ERR_NONE);
	for (int y = 0; y < 20; y++) {
		for (int x = 0; x < 20; x++) {
			bool in = (x >= 2 && x < 6 && y >= 2 && y < 6) || (x >= 10 && x < 13);

			CHECK(px[y * d.stride / 4 + x] == (in ? 0xffabcdefu : 0u), "(%d,%d)", x, y);
		}
	}
	/* A single clip rectangle (the fast path) with a copy, then clipping off. */
	uint32_t one[2] = { GFX_PACK(0, 0), GFX_PACK(1, 20) };
	REQUIRE(engine_set_clip(eng, one, 2) == GFX_ERR_NONE);
	uint32_t black[3] = { 0xff000000, 0, GFX_PACK(20, 20) };
	CHECK(engine_fill(eng, 0, black, 3) == 0);
	CHECK(px[0] == 0xff000000 && px[1] == 0);
	CHECK(engine_set_clip(eng, one, 0) == 0);
	CHECK(engine_fill(eng, 0, black, 3) == 0);
	CHECK(px[1] == 0xff000000);
	/* zero-size clip rectangle is an error */
	uint32_t bad[2] = { 0, GFX_PACK(0, 5) };
	CHECK(engine_set_clip(eng, bad, 2) == GFX_ERR_ZERO_SIZE);
	CHECK(engine_set_clip(eng, bad, 1) == GFX_ERR_BAD_LENGTH);
}

/* Overlapping copy within one surface, checked against a copy made through a temporary buffer. */
static void overlap_case(int f, int sx, int sy, int dx, int dy, int w, int h)
{
	struct surf d = make_surf(DST_OFF, 64, 48, f);
	uint32_t cmd[3] = { GFX_PACK(sx, sy), GFX_PACK(dx, dy), GFX_PACK(w, h) };
	uint8_t *tmp, *expect;

	randomize(vram + d.off, surf_bytes(&d), 900 + sx + dy);
	expect = malloc(surf_bytes(&d));
	tmp = malloc((size_t)w * h * d.bpp);
	memcpy(expect, vram + d.off, surf_bytes(&d));
	for (int y = 0; y < h; y++)
		memcpy(tmp + (size_t)y * w * d.bpp, expect + (size_t)(sy + y) * d.stride + (size_t)sx * d.bpp,
		       (size_t)w * d.bpp);
	for (int y = 0; y < h; y++)
		memcpy(expect + (size_t)(dy + y) * d.stride + (size_t)dx * d.bpp, tmp + (size_t)y * w * d.bpp,
		       (size_t)w * d.bpp);
	REQUIRE(bind(GFX_SURFACE_SRC, &d) == 0 && bind(GFX_SURFACE_DST, &d) == 0);
	CHECK(engine_copy(eng, cmd, 3) == GFX_ERR_NONE);
	CHECK(memcmp(expect, vram + d.off, surf_bytes(&d)) == 0, "overlap (%d,%d)->(%d,%d) %dx%d fmt %s",
	      sx, sy, dx, dy, w, h, fmts[f].name);
	free(tmp);
	free(expect);
}

static void test_overlap_copy(void *arg)
{
	for (int f = 0; f < NFMTS; f += 4) {
		overlap_case(f, 0, 0, 3, 2, 50, 40);	/* down-right */
		overlap_case(f, 3, 2, 0, 0, 50, 40);	/* up-left */
		overlap_case(f, 5, 0, 0, 0, 50, 48);	/* left, same rows */
		overlap_case(f, 0, 0, 5, 0, 50, 48);	/* right, same rows */
		overlap_case(f, 0, 5, 0, 0, 64, 40);	/* scroll up */
		overlap_case(f, 0, 0, 0, 5, 64, 40);	/* scroll down */
	}
	/* Different formats over the same memory: XRGB source, ARGB view of it, shifted. */
	struct surf a = make_surf(DST_OFF, 64, 48, 0), b = make_surf(DST_OFF + 4 * 64, 64, 40, 1);
	uint32_t cmd[3] = { 0, 0, GFX_PACK(64, 40) };
	struct ref r;
	pixman_image_t *si;
	uint8_t *snap;

	randomize(vram + a.off, surf_bytes(&a), 77);
	snap = malloc(surf_bytes(&a));
	memcpy(snap, vram + a.off, surf_bytes(&a));
	REQUIRE(bind(GFX_SURFACE_SRC, &a) == 0 && bind(GFX_SURFACE_DST, &b) == 0);
	r = ref_of(&b);
	si = pixman_image_create_bits(a.pf, 64, 48, (uint32_t *)snap, (int)a.stride);
	CHECK(engine_copy(eng, cmd, 3) == 0);
	pixman_image_composite32(PIXMAN_OP_SRC, si, NULL, r.img, 0, 0, 0, 0, 0, 0, 64, 40);
	CHECK(compare(&b, &r, "overlap convert") == 0);
	pixman_image_unref(si);
	ref_free(&r);
	free(snap);
}

/* The same big operations with and without bands give the same bytes. */
static void test_bands_match(void *arg)
{
	struct engine *single = engine_create(vram, VRAM_SIZE, 1);
	struct surf s = make_surf(SRC_OFF, 700, 500, 1), d = make_surf(DST_OFF, 800, 600, 0);
	uint32_t blend[4] = { 200, GFX_PACK(0, 0), GFX_PACK(50, 40), GFX_PACK(700, 500) };
	uint32_t stretch[8] = { 10 << 16, 5 << 16, 600 << 16, 450 << 16, GFX_PACK(3, 3), GFX_PACK(790, 590), 180, 0 };
	uint32_t fill[3] = { 0x40102030, GFX_PACK(1, 1), GFX_PACK(798, 598) };
	uint32_t copy[3] = { GFX_PACK(0, 0), GFX_PACK(90, 70), GFX_PACK(700, 500) };
	uint8_t *out1, *out2;
	struct engine *engines[2] = { single, eng };

	REQUIRE(single);
	out1 = malloc(surf_bytes(&d));
	out2 = malloc(surf_bytes(&d));
	engine_set_band_policy(eng, 1000, false);
	for (int pass = 0; pass < 2; pass++) {
		struct engine *e = engines[pass];
		uint32_t ps[5] = { s.off, s.w, s.h, s.stride, s.fmt }, pd[5] = { d.off, d.w, d.h, d.stride, d.fmt };

		randomize(vram + s.off, surf_bytes(&s), 5);
		premultiply(vram + s.off, &s);
		randomize(vram + d.off, surf_bytes(&d), 6);
		CHECK(engine_set_surface(e, GFX_SURFACE_SRC, ps, 5) == 0);
		CHECK(engine_set_surface(e, GFX_SURFACE_DST, pd, 5) == 0);
		CHECK(engine_blend(e, blend, 4) == 0);
		CHECK(engine_stretch(e, GFX_FLAG_OVER | GFX_FLAG_BILINEAR, stretch, 8) == 0);
		CHECK(engine_fill(e, GFX_FLAG_OVER, fill, 3) == 0);
		CHECK(engine_copy(e, copy, 3) == 0);
		fill[0] = 0xff00ff00;
		CHECK(engine_fill(e, 0, fill, 3) == 0);
		fill[0] = 0x40102030;
		memcpy(pass ? out2 : out1, vram + d.off, surf_bytes(&d));
	}
	CHECK(memcmp(out1, out2, surf_bytes(&d)) == 0, "banded result differs from single-threaded");
	free(out1);
	free(out2);
	engine_destroy(single);
	engine_set_band_policy(eng, 128 * 1024, true);
}

static void test_validation(void *arg)
{
	struct surf d = make_surf(DST_OFF, 16, 16, 0);
	uint32_t p[5];
	uint8_t *before = malloc(VRAM_SIZE);

	reset();
	uint32_t fill[3] = { 0xffffffff, 0, GFX_PACK(1, 1) };
	CHECK(engine_fill(eng, 0, fill, 3) == GFX_ERR_NO_SURFACE);
	uint32_t copy[3] = { 0, 0, GFX_PACK(1, 1) };
	CHECK(engine_copy(eng, copy, 3) == GFX_ERR_NO_SURFACE);

#define SURF_ERR(off, w, h, stride, fmt, err) do {					\
		uint32_t q[5] = { off, w, h, stride, fmt };				\
		CHECK(engine_set_surface(eng, 0, q, 5) == (err), "surface %u %ux%u %u", off, w, h, stride); \
	} while (0)
	SURF_ERR(0, 16, 16, 64, GFX_FMT_XRGB8888, GFX_ERR_SURFACE_OOB);		/* register page */
	SURF_ERR(4095, 1, 1, 4, GFX_FMT_XRGB8888, GFX_ERR_SURFACE_OOB);
	SURF_ERR(DST_OFF + 2, 1, 1, 4, GFX_FMT_XRGB8888, GFX_ERR_SURFACE_OOB);	/* misaligned */
	SURF_ERR(VRAM_SIZE - 60, 16, 1, 64, GFX_FMT_XRGB8888, GFX_ERR_SURFACE_OOB);
	SURF_ERR(VRAM_SIZE - 64, 16, 1, 64, GFX_FMT_XRGB8888, GFX_ERR_NONE);	/* exactly fits */
	SURF_ERR(0xfffffff0u, 4, 4, 16, GFX_FMT_XRGB8888, GFX_ERR_SURFACE_OOB);
	SURF_ERR(DST_OFF, 0, 16, 64, GFX_FMT_XRGB8888, GFX_ERR_ZERO_SIZE);
	SURF_ERR(DST_OFF, 16, 0, 64, GFX_FMT_XRGB8888, GFX_ERR_ZERO_SIZE);
	SURF_ERR(DST_OFF, 16, 16, 62, GFX_FMT_XRGB8888, GFX_ERR_BAD_STRIDE);
	SURF_ERR(DST_OFF, 16, 16, 60, GFX_FMT_XRGB8888, GFX_ERR_BAD_STRIDE);
	SURF_ERR(DST_OFF, 16, 16, 64, 0x3231564e, GFX_ERR_BAD_FORMAT);		/* NV12 */
	SURF_ERR(DST_OFF, 16, 16, 32, GFX_FMT_RGB565, GFX_ERR_NONE);
	SURF_ERR(DST_OFF, 65535, 65535, 262140, GFX_FMT_XRGB8888, GFX_ERR_SURFACE_OOB);
	CHECK(engine_set_surface(eng, 0, p, 4) == GFX_ERR_BAD_LENGTH);

	REQUIRE(bind(GFX_SURFACE_DST, &d) == 0 && bind(GFX_SURFACE_SRC, &d) == 0);
	memcpy(before, vram, VRAM_SIZE);
	/* A bad rectangle anywhere in the command means none of it is drawn. */
	uint32_t f2[5] = { 0xff123456, 0, GFX_PACK(4, 4), GFX_PACK(10, 10), GFX_PACK(7, 1) };
	CHECK(engine_fill(eng, 0, f2, 5) == GFX_ERR_RECT_OOB);
	uint32_t f3[3] = { 0xff123456, GFX_PACK(0, 16), GFX_PACK(1, 1) };
	CHECK(engine_fill(eng, 0, f3, 3) == GFX_ERR_RECT_OOB);
	uint32_t f4[3] = { 0xff123456, 0, GFX_PACK(1, 0) };
	CHECK(engine_fill(eng, 0, f4, 3) == GFX_ERR_ZERO_SIZE);
	uint32_t f5[3] = { 0xff123456, GFX_PACK(0xffff, 0xffff), GFX_PACK(0xffff, 0xffff) };
	CHECK(engine_fill(eng, 0, f5, 3) == GFX_ERR_RECT_OOB);
	CHECK(engine_fill(eng, 0, f5, 2) == GFX_ERR_BAD_LENGTH);
	uint32_t c2[6] = { 0, 0, GFX_PACK(4, 4), GFX_PACK(15, 15), 0, GFX_PACK(2, 2) };
	CHECK(engine_copy(eng, c2, 6) == GFX_ERR_RECT_OOB);
	CHECK(engine_copy(eng, c2, 5) == GFX_ERR_BAD_LENGTH);
	uint32_t b2[4] = { 255, GFX_PACK(15, 0), 0, GFX_PACK(2, 2) };
	CHECK(engine_blend(eng, b2, 4) == GFX_ERR_RECT_OOB);
	CHECK(engine_blend(eng, b2, 3) == GFX_ERR_BAD_LENGTH);
	uint32_t s2[8] = { 0, 0, 17 << 16, 1 << 16, 0, GFX_PACK(4, 4), 255, 0 };
	CHECK(engine_stretch(eng, 0, s2, 8) == GFX_ERR_RECT_OOB);
	uint32_t s3[8] = { 0, 0, 0, 1 << 16, 0, GFX_PACK(4, 4), 255, 0 };
	CHECK(engine_stretch(eng, 0, s3, 8) == GFX_ERR_ZERO_SIZE);
	uint32_t s4[8] = { 0xffff0000u, 0, 0x20000, 1 << 16, 0, GFX_PACK(4, 4), 255, 0 };
	CHECK(engine_stretch(eng, 0, s4, 8) == GFX_ERR_RECT_OOB);
	uint32_t s5[8] = { 0, 0, 1 << 16, 1 << 16, GFX_PACK(14, 0), GFX_PACK(4, 4), 255, 0 };
	CHECK(engine_stretch(eng, 0, s5, 8) == GFX_ERR_RECT_OOB);
	CHECK(engine_stretch(eng, 0, s5, 7) == GFX_ERR_BAD_LENGTH);
	CHECK(memcmp(before, vram, VRAM_SIZE) == 0, "a rejected command changed VRAM");
	free(before);
}

/*
 * Surfaces flush against the end of VRAM, followed by an inaccessible
 * guard page: any read or write past the surface (pixman's filters, the
 * AVX2 rows, our own loops) would crash this test.
 */
static void test_edge_of_vram(void *arg)
{
	for (int f = 0; f < NFMTS; f++) {
		struct surf s = make_surf(0, 37, 29, f), d;
		uint32_t stretch[8] = { 0, 0, 37 << 16, 29 << 16, 0, GFX_PACK(80, 70), 200, 0 };
		uint32_t down[8] = { 1 << 15, 1 << 15, 36 << 16, 28 << 16, GFX_PACK(1, 1), GFX_PACK(9, 7), 255, 0 };
		uint32_t copy[3] = { 0, GFX_PACK(5, 5), GFX_PACK(37, 29) };
		uint32_t blend[4] = { 128, 0, GFX_PACK(3, 3), GFX_PACK(37, 29) };
		uint32_t fill[3] = { 0x80808080, 0, GFX_PACK(37, 29) };

		/* Tight stride, the last pixel is the last byte of VRAM. */
		s.stride = (s.w * s.bpp + 3) & ~3u;
		s.off = VRAM_SIZE - (s.h - 1) * s.stride - s.w * s.bpp;
		s.off &= ~3u;
		d = make_surf(DST_OFF, 100, 90, (f + 1) % NFMTS);
		randomize(vram + s.off, VRAM_SIZE - s.off, 31 + f);
		REQUIRE(bind(GFX_SURFACE_SRC, &s) == 0, "%s at %u", fmts[f].name, s.off);
		REQUIRE(bind(GFX_SURFACE_DST, &d) == 0);
		for (uint32_t flags = 0; flags < 4; flags++) {
			CHECK(engine_stretch(eng, flags, stretch, 8) == 0);
			CHECK(engine_stretch(eng, flags, down, 8) == 0);
		}
		CHECK(engine_copy(eng, copy, 3) == 0);
		CHECK(engine_blend(eng, blend, 4) == 0);
		/* And as the destination. */
		REQUIRE(bind(GFX_SURFACE_DST, &s) == 0);
		REQUIRE(bind(GFX_SURFACE_SRC, &d) == 0);
		CHECK(engine_fill(eng, GFX_FLAG_OVER, fill, 3) == 0);
		CHECK(engine_fill(eng, 0, fill, 3) == 0);
		CHECK(engine_copy(eng, (uint32_t[]){ 0, 0, GFX_PACK(37, 29) }, 3) == 0);
		CHECK(engine_blend(eng, (uint32_t[]){ 255, 0, 0, GFX_PACK(37, 29) }, 4) == 0);
		uint32_t up[8] = { 0, 0, 10 << 16, 10 << 16, 0, GFX_PACK(37, 29), 255, 0 };
		CHECK(engine_stretch(eng, GFX_FLAG_BILINEAR | GFX_FLAG_OVER, up, 8) == 0);
	}
}

int main(void)
{
	/* VRAM followed by a guard page. */
	vram = mmap(NULL, VRAM_SIZE + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vram == MAP_FAILED || mprotect(vram + VRAM_SIZE, 4096, PROT_NONE) < 0)
		return 1;
	memset(vram, 0, VRAM_SIZE);
	eng = engine_create(vram, VRAM_SIZE, 2);
	if (!eng)
		return 1;

	run_test("engine_fill_src_all_formats", test_fill_src_all_formats, NULL);
	run_test("engine_fill_rgb565_by_hand", test_fill_by_hand, NULL);
	run_test("engine_fill_over", test_fill_over, NULL);
	run_test("engine_copy_format_conversions", test_copy_conversions, NULL);
	run_test("engine_blend_global_alpha", test_blend, NULL);
	run_test("engine_blend_by_hand", test_blend_by_hand, NULL);
	run_test("engine_stretch_nearest_by_hand", test_stretch_nearest_by_hand, NULL);
	run_test("engine_stretch_nearest_bilinear", test_stretch, NULL);
	run_test("engine_clip", test_clip, NULL);
	run_test("engine_overlap_copy", test_overlap_copy, NULL);
	run_test("engine_bands_match_single_thread", test_bands_match, NULL);
	run_test("engine_validation", test_validation, NULL);
	run_test("engine_edge_of_vram", test_edge_of_vram, NULL);

	engine_destroy(eng);
	munmap(vram, VRAM_SIZE + 4096);
	return TEST_EXIT();
}
