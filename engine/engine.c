// SPDX-License-Identifier: MIT
/*
 * engine.c - the 2D engine on pixman.
 *
 * Every command is checked completely (surfaces against the context's VRAM
 * window, rectangles against their surfaces) before a pixel moves. Small
 * operations run right here with pixman images cached per SET_SURFACE;
 * large ones are cut into horizontal bands for the worker pool, each band
 * with its own pixman images (pixman images are not safe to share between
 * threads). Each hardware context has its own engine state (an engine made
 * by engine_clone); they share VRAM and the pool. A client context's work
 * is cut into slices of PREEMPT_PIXELS with a preemption point after each,
 * where the command processor may run the master's ring.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pixman.h>

#include "gfx_hw.h"
#include "engine.h"
#include "engine_threads.h"
#include "engine_blend_avx2.h"

#define DEFAULT_BAND_THRESHOLD	(128u * 1024u)	/* pixels */
#define BANDS_BACKOFF_NS	(100u * 1000000u)
/* Pixels between preemption points: about 0.3 ms of bilinear OVER stretch here. */
#define PREEMPT_PIXELS		(256u * 1024u)

struct format_info {
	uint32_t fourcc;
	pixman_format_code_t pixman;
	uint32_t bpp;		/* bytes */
};

static const struct format_info format_table[] = {
	{ GFX_FMT_XRGB8888, PIXMAN_x8r8g8b8, 4 },
	{ GFX_FMT_ARGB8888, PIXMAN_a8r8g8b8, 4 },
	{ GFX_FMT_XBGR8888, PIXMAN_x8b8g8r8, 4 },
	{ GFX_FMT_ABGR8888, PIXMAN_a8b8g8r8, 4 },
	{ GFX_FMT_RGB565, PIXMAN_r5g6b5, 2 },
};

const uint32_t engine_formats[] = {
	GFX_FMT_XRGB8888, GFX_FMT_ARGB8888, GFX_FMT_XBGR8888, GFX_FMT_ABGR8888, GFX_FMT_RGB565,
};
const unsigned int engine_format_count = sizeof(engine_formats) / sizeof(engine_formats[0]);

struct surface {
	bool valid;
	struct surface_desc desc;
	const struct format_info *fmt;
	pixman_image_t *image;	/* for work done on the command processor's thread */
};

struct engine {
	uint8_t *vram;
	uint64_t vram_size;
	uint64_t win_lo, win_hi;	/* surfaces must lie in [win_lo, win_hi) */
	struct engine_pool *pool;
	bool owns_pool;
	void (*preempt)(void *data);	/* preemption point, or NULL */
	void *preempt_data;
	uint64_t since_preempt;		/* pixels drawn since the last point */
	uint32_t band_threshold;
	bool bands_adaptive;
	bool avx2;			/* blend 8888 rows with engine_blend_avx2.c */
	uint64_t bands_off_until;	/* CLOCK_MONOTONIC ns: workers are not keeping up */

	struct surface surf[2];	/* GFX_SURFACE_DST, GFX_SURFACE_SRC */
	bool clip_on;
	pixman_region32_t clip;

	pixman_image_t *solid;	/* last OVER fill colour */
	uint32_t solid_color;
	pixman_image_t *alpha_mask;	/* last global alpha < 255 */
	uint32_t alpha_mask_value;
};

enum op_kind { OP_FILL_SRC, OP_FILL_OVER, OP_COPY, OP_BLEND, OP_STRETCH };

/* One rectangle's worth of a command; boxes inside it are drawn the same way. */
struct op {
	enum op_kind kind;
	uint32_t color;		/* FILL_OVER: premultiplied ARGB */
	uint32_t pixel;		/* FILL_SRC: colour in the destination format */
	uint32_t alpha;		/* BLEND, STRETCH: 0..255 */
	bool over;		/* STRETCH */
	bool bilinear;		/* STRETCH */
	int32_t dst_x, dst_y;	/* the command's destination rectangle origin */
	int32_t src_x, src_y;	/* COPY, BLEND: its source origin */
	pixman_transform_t transform;	/* STRETCH: destination -> source */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct format_info *format_lookup(uint32_t fourcc)
{
	for (unsigned int i = 0; i < sizeof(format_table) / sizeof(format_table[0]); i++)
		if (format_table[i].fourcc == fourcc)
			return &format_table[i];
	return NULL;
}

uint32_t engine_format_bpp(uint32_t fourcc)
{
	const struct format_info *f = format_lookup(fourcc);

	return f ? f->bpp : 0;
}

struct engine *engine_create(uint8_t *vram, uint64_t vram_size, unsigned int threads)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->vram = vram;
	e->vram_size = vram_size;
	e->win_lo = GFX_VRAM_START;
	e->win_hi = vram_size;
	e->owns_pool = true;
	e->band_threshold = DEFAULT_BAND_THRESHOLD;
	e->bands_adaptive = true;
	e->avx2 = blend_avx2_available();
	pixman_region32_init(&e->clip);
	e->pool = engine_pool_create(threads);
	if (!e->pool) {
		free(e);
		return NULL;
	}
	return e;
}

static void surface_clear(struct surface *s)
{
	if (s->image)
		pixman_image_unref(s->image);
	memset(s, 0, sizeof(*s));
}

void engine_reset(struct engine *e)
{
	surface_clear(&e->surf[0]);
	surface_clear(&e->surf[1]);
	e->clip_on = false;
	pixman_region32_fini(&e->clip);
	pixman_region32_init(&e->clip);
}

void engine_destroy(struct engine *e)
{
	if (!e)
		return;
	engine_reset(e);
	pixman_region32_fini(&e->clip);
	if (e->solid)
		pixman_image_unref(e->solid);
	if (e->alpha_mask)
		pixman_image_unref(e->alpha_mask);
	if (e->owns_pool)
		engine_pool_destroy(e->pool);
	free(e);
}

struct engine *engine_clone(const struct engine *first)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->vram = first->vram;
	e->vram_size = first->vram_size;
	e->win_lo = first->win_lo;
	e->win_hi = first->win_hi;
	e->pool = first->pool;
	e->band_threshold = first->band_threshold;
	e->bands_adaptive = first->bands_adaptive;
	e->avx2 = first->avx2;
	pixman_region32_init(&e->clip);
	return e;
}

void engine_set_window(struct engine *e, uint64_t offset, uint64_t size)
{
	e->win_lo = offset < GFX_VRAM_START ? GFX_VRAM_START : offset;
	e->win_hi = offset + size > e->vram_size ? e->vram_size : offset + size;
}

void engine_set_preempt(struct engine *e, void (*fn)(void *data), void *data)
{
	e->preempt = fn;
	e->preempt_data = data;
	e->since_preempt = 0;
}

void engine_set_band_policy(struct engine *e, uint32_t pixels, bool adaptive)
{
	e->band_threshold = pixels;
	e->bands_adaptive = adaptive;
	e->bands_off_until = 0;
}

uint32_t engine_check_surface(const struct engine *e, const struct surface_desc *s)
{
	const struct format_info *f = format_lookup(s->format);
	uint64_t end;

	if (!f)
		return GFX_ERR_BAD_FORMAT;
	if (s->width == 0 || s->height == 0)
		return GFX_ERR_ZERO_SIZE;
	if (s->stride % 4 || s->stride > GFX_MAX_STRIDE || (uint64_t)s->width * f->bpp > s->stride)
		return GFX_ERR_BAD_STRIDE;
	if (s->width > GFX_MAX_SURFACE_SIDE || s->height > GFX_MAX_SURFACE_SIDE)
		return GFX_ERR_SURFACE_OOB;
	if (s->offset < e->win_lo || s->offset % 4)
		return GFX_ERR_SURFACE_OOB;
	end = (uint64_t)s->offset + (uint64_t)(s->height - 1) * s->stride +
	      (uint64_t)s->width * f->bpp;
	if (end > e->win_hi)
		return GFX_ERR_SURFACE_OOB;
	return GFX_ERR_NONE;
}

static pixman_image_t *surface_image(const struct engine *e, const struct surface *s)
{
	return pixman_image_create_bits(s->fmt->pixman, (int)s->desc.width, (int)s->desc.height,
					(uint32_t *)(e->vram + s->desc.offset), (int)s->desc.stride);
}

uint32_t engine_set_surface(struct engine *e, unsigned int slot, const uint32_t *p, unsigned int n)
{
	struct surface_desc d;
	struct surface *s = &e->surf[slot & 1];
	pixman_image_t *image;
	uint32_t err;

	if (n != GFX_SET_SURFACE_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	d = (struct surface_desc){ p[0], p[1], p[2], p[3], p[4] };
	err = engine_check_surface(e, &d);
	if (err)
		return err;
	if (s->valid && !memcmp(&s->desc, &d, sizeof(d)))
		return GFX_ERR_NONE;	/* same surface: keep its cached image */
	surface_clear(s);
	s->desc = d;
	s->fmt = format_lookup(d.format);
	image = surface_image(e, s);
	if (!image) {
		surface_clear(s);
		return GFX_ERR_SURFACE_OOB;	/* out of host memory; treat as unusable */
	}
	s->image = image;
	s->valid = true;
	return GFX_ERR_NONE;
}

uint32_t engine_set_clip(struct engine *e, const uint32_t *p, unsigned int n)
{
	pixman_box32_t boxes[2048];
	unsigned int count = n / 2;

	if (n % 2 || count > sizeof(boxes) / sizeof(boxes[0]))
		return GFX_ERR_BAD_LENGTH;
	for (unsigned int i = 0; i < count; i++) {
		uint32_t x = GFX_LO(p[2 * i]), y = GFX_HI(p[2 * i]);
		uint32_t w = GFX_LO(p[2 * i + 1]), h = GFX_HI(p[2 * i + 1]);

		if (!w || !h)
			return GFX_ERR_ZERO_SIZE;
		boxes[i] = (pixman_box32_t){ x, y, x + w, y + h };
	}
	pixman_region32_fini(&e->clip);
	if (count == 0) {
		pixman_region32_init(&e->clip);
		e->clip_on = false;
		return GFX_ERR_NONE;
	}
	pixman_region32_init_rects(&e->clip, boxes, count);
	e->clip_on = true;
	return GFX_ERR_NONE;
}

/* Rectangle (packed xy, wh) inside surface s. */
static uint32_t check_rect(const struct surface *s, uint32_t xy, uint32_t wh)
{
	uint32_t x = GFX_LO(xy), y = GFX_HI(xy), w = GFX_LO(wh), h = GFX_HI(wh);

	if (!w || !h)
		return GFX_ERR_ZERO_SIZE;
	if (x + w > s->desc.width || y + h > s->desc.height)
		return GFX_ERR_RECT_OOB;
	return GFX_ERR_NONE;
}

/* ---- Drawing one box with a given set of images ---- */

struct images {
	pixman_image_t *dst, *src, *mask;
};

static void copy_rows(const struct engine *e, const struct op *op, int x0, int y0, int x1, int y1)
{
	const struct surface *d = &e->surf[0], *s = &e->surf[1];
	uint32_t bpp = d->fmt->bpp;
	size_t len = (size_t)(x1 - x0) * bpp;
	uint8_t *dst = e->vram + d->desc.offset + (size_t)y0 * d->desc.stride + (size_t)x0 * bpp;
	const uint8_t *src = e->vram + s->desc.offset +
			     (size_t)(op->src_y + y0 - op->dst_y) * s->desc.stride +
			     (size_t)(op->src_x + x0 - op->dst_x) * bpp;

	for (int y = y0; y < y1; y++) {
		memcpy(dst, src, len);
		dst += d->desc.stride;
		src += s->desc.stride;
	}
}

/* Same channel order, alpha on top in both: the AVX2 OVER rows apply. */
static bool blend_fast_ok(const struct engine *e)
{
	uint32_t s = e->surf[1].desc.format, d = e->surf[0].desc.format;

	return e->avx2 &&
	       ((s == GFX_FMT_ARGB8888 && (d == GFX_FMT_ARGB8888 || d == GFX_FMT_XRGB8888)) ||
		(s == GFX_FMT_ABGR8888 && (d == GFX_FMT_ABGR8888 || d == GFX_FMT_XBGR8888)));
}

static void blend_rows(const struct engine *e, const struct op *op, int x0, int y0, int x1, int y1)
{
	const struct surface *d = &e->surf[0], *s = &e->surf[1];
	uint8_t *dst = e->vram + d->desc.offset + (size_t)y0 * d->desc.stride + (size_t)x0 * 4;
	const uint8_t *src = e->vram + s->desc.offset +
			     (size_t)(op->src_y + y0 - op->dst_y) * s->desc.stride +
			     (size_t)(op->src_x + x0 - op->dst_x) * 4;

	for (int y = y0; y < y1; y++) {
		blend_over_row_avx2((uint32_t *)dst, (const uint32_t *)src, (uint32_t)(x1 - x0), op->alpha);
		dst += d->desc.stride;
		src += s->desc.stride;
	}
}

/* draw_box() draws these with its own loops or pixman_fill, without pixman images. */
static bool draws_without_images(const struct engine *e, const struct op *op)
{
	switch (op->kind) {
	case OP_FILL_SRC:
		return true;
	case OP_COPY:
		return e->surf[0].fmt == e->surf[1].fmt;
	case OP_BLEND:
		return blend_fast_ok(e);
	default:
		return false;
	}
}

static void draw_box(const struct engine *e, const struct op *op, const struct images *img,
		     int x0, int y0, int x1, int y1)
{
	const struct surface *d = &e->surf[0];
	int w = x1 - x0, h = y1 - y0;

	switch (op->kind) {
	case OP_FILL_SRC:
		pixman_fill((uint32_t *)(e->vram + d->desc.offset), (int)d->desc.stride / 4,
			    (int)d->fmt->bpp * 8, x0, y0, w, h, op->pixel);
		break;
	case OP_FILL_OVER:
		pixman_image_composite32(PIXMAN_OP_OVER, img->src, NULL, img->dst,
					 0, 0, 0, 0, x0, y0, w, h);
		break;
	case OP_COPY:
		if (draws_without_images(e, op)) {
			copy_rows(e, op, x0, y0, x1, y1);
			break;
		}
		pixman_image_composite32(PIXMAN_OP_SRC, img->src, NULL, img->dst,
					 op->src_x + x0 - op->dst_x, op->src_y + y0 - op->dst_y,
					 0, 0, x0, y0, w, h);
		break;
	case OP_BLEND:
		if (draws_without_images(e, op)) {
			blend_rows(e, op, x0, y0, x1, y1);
			break;
		}
		pixman_image_composite32(PIXMAN_OP_OVER, img->src, img->mask, img->dst,
					 op->src_x + x0 - op->dst_x, op->src_y + y0 - op->dst_y,
					 0, 0, x0, y0, w, h);
		break;
	case OP_STRETCH:
		/* Source coordinates are relative to the destination rectangle; the transform does the rest. */
		pixman_image_composite32(op->over ? PIXMAN_OP_OVER : PIXMAN_OP_SRC, img->src, img->mask,
					 img->dst, x0 - op->dst_x, y0 - op->dst_y, 0, 0, x0, y0, w, h);
		break;
	}
}

static pixman_image_t *solid_image(uint32_t argb)
{
	pixman_color_t c = {
		.red = (uint16_t)(((argb >> 16) & 0xff) * 257),
		.green = (uint16_t)(((argb >> 8) & 0xff) * 257),
		.blue = (uint16_t)((argb & 0xff) * 257),
		.alpha = (uint16_t)((argb >> 24) * 257),
	};

	return pixman_image_create_solid_fill(&c);
}

static void setup_stretch_source(pixman_image_t *src, const struct op *op)
{
	pixman_image_set_transform(src, &op->transform);
	pixman_image_set_filter(src, op->bilinear ? PIXMAN_FILTER_BILINEAR : PIXMAN_FILTER_NEAREST,
				NULL, 0);
	/* Sampling past the surface edge repeats the edge instead of fading to transparent. */
	pixman_image_set_repeat(src, PIXMAN_REPEAT_PAD);
}

static void undo_stretch_source(pixman_image_t *src)
{
	pixman_image_set_transform(src, NULL);
	pixman_image_set_filter(src, PIXMAN_FILTER_NEAREST, NULL, 0);
	pixman_image_set_repeat(src, PIXMAN_REPEAT_NONE);
}

/* Which images an operation reads besides the destination. */
static bool op_uses_src_surface(const struct op *op)
{
	return op->kind == OP_COPY || op->kind == OP_BLEND || op->kind == OP_STRETCH;
}

static pixman_image_t *op_mask_or_solid(const struct op *op)
{
	if (op->kind == OP_FILL_OVER)
		return solid_image(op->color);
	if ((op->kind == OP_BLEND || op->kind == OP_STRETCH) && op->alpha < 255)
		return solid_image(op->alpha << 24);
	return NULL;
}

/* ---- Bands on the worker pool ---- */

struct band_job {
	const struct engine *e;
	const struct op *op;
	int x0, y0, x1, y1;
	unsigned int chunks;
};

static void band_run(void *data, unsigned int chunk)
{
	const struct band_job *job = data;
	const struct engine *e = job->e;
	const struct op *op = job->op;
	int h = job->y1 - job->y0;
	int y0 = job->y0 + (int)((int64_t)h * chunk / job->chunks);
	int y1 = job->y0 + (int)((int64_t)h * (chunk + 1) / job->chunks);
	struct images img = { 0 };
	pixman_image_t *extra;

	if (y0 >= y1)
		return;
	if (draws_without_images(e, op)) {
		draw_box(e, op, &img, job->x0, y0, job->x1, y1);
		return;
	}
	img.dst = surface_image(e, &e->surf[0]);
	if (op_uses_src_surface(op)) {
		img.src = surface_image(e, &e->surf[1]);
		if (img.src && op->kind == OP_STRETCH)
			setup_stretch_source(img.src, op);
	}
	extra = op_mask_or_solid(op);
	if (op->kind == OP_FILL_OVER)
		img.src = extra;
	else
		img.mask = extra;
	if (img.dst && (img.src || !op_uses_src_surface(op)) && (extra || op->kind != OP_FILL_OVER))
		draw_box(e, op, &img, job->x0, y0, job->x1, y1);
	if (img.dst)
		pixman_image_unref(img.dst);
	if (img.src)
		pixman_image_unref(img.src);
	if (img.mask)
		pixman_image_unref(img.mask);
}

/* ---- Overlapping copies ---- */

static void byte_span(const struct engine *e, const struct surface *s, int x0, int y0, int x1, int y1,
		      uint64_t *start, uint64_t *end)
{
	*start = s->desc.offset + (uint64_t)y0 * s->desc.stride + (uint64_t)x0 * s->fmt->bpp;
	*end = s->desc.offset + (uint64_t)(y1 - 1) * s->desc.stride + (uint64_t)x1 * s->fmt->bpp;
}

static bool copy_overlaps(const struct engine *e, const struct op *op, int x0, int y0, int x1, int y1)
{
	int sx0 = op->src_x + x0 - op->dst_x, sy0 = op->src_y + y0 - op->dst_y;
	int sx1 = sx0 + (x1 - x0), sy1 = sy0 + (y1 - y0);
	uint64_t ds, de, ss, se;

	byte_span(e, &e->surf[0], x0, y0, x1, y1, &ds, &de);
	byte_span(e, &e->surf[1], sx0, sy0, sx1, sy1, &ss, &se);
	if (ds >= se || ss >= de)
		return false;
	/* Same memory layout: only real pixel overlap matters (side by side is fine). */
	if (e->surf[0].desc.offset == e->surf[1].desc.offset &&
	    e->surf[0].desc.stride == e->surf[1].desc.stride && e->surf[0].fmt == e->surf[1].fmt)
		return x0 < sx1 && sx0 < x1 && y0 < sy1 && sy0 < y1;
	return true;
}

static void copy_overlapping(const struct engine *e, const struct op *op, int x0, int y0, int x1, int y1)
{
	const struct surface *d = &e->surf[0], *s = &e->surf[1];
	int sx0 = op->src_x + x0 - op->dst_x, sy0 = op->src_y + y0 - op->dst_y;
	int w = x1 - x0, h = y1 - y0;
	uint8_t *dst = e->vram + d->desc.offset + (size_t)y0 * d->desc.stride + (size_t)x0 * d->fmt->bpp;
	const uint8_t *src = e->vram + s->desc.offset + (size_t)sy0 * s->desc.stride +
			     (size_t)sx0 * s->fmt->bpp;
	size_t row = (size_t)w * s->fmt->bpp;

	if (d->fmt == s->fmt && d->desc.stride == s->desc.stride) {
		/* Walk rows away from the overlap; memmove handles each row. */
		if (dst > src) {
			for (int y = h - 1; y >= 0; y--)
				memmove(dst + (size_t)y * d->desc.stride, src + (size_t)y * s->desc.stride, row);
		} else {
			for (int y = 0; y < h; y++)
				memmove(dst + (size_t)y * d->desc.stride, src + (size_t)y * s->desc.stride, row);
		}
		return;
	}
	/* Different layouts: go through a temporary copy (rows padded for pixman). */
	size_t tmp_stride = (row + 3) & ~(size_t)3;
	uint8_t *tmp = malloc(tmp_stride * (size_t)h);
	pixman_image_t *ti;

	if (!tmp)
		return;
	for (int y = 0; y < h; y++)
		memcpy(tmp + (size_t)y * tmp_stride, src + (size_t)y * s->desc.stride, row);
	ti = pixman_image_create_bits(s->fmt->pixman, w, h, (uint32_t *)tmp, (int)tmp_stride);
	if (ti) {
		pixman_image_composite32(PIXMAN_OP_SRC, ti, NULL, d->image, 0, 0, 0, 0, x0, y0, w, h);
		pixman_image_unref(ti);
	}
	free(tmp);
}

/* ---- One clipped box of one rectangle ---- */

static void exec_slice(struct engine *e, const struct op *op, int x0, int y0, int x1, int y1)
{
	uint64_t area = (uint64_t)(x1 - x0) * (uint64_t)(y1 - y0);
	struct images img;

	if (engine_pool_threads(e->pool) > 1 && area >= e->band_threshold &&
	    (!e->bands_off_until || now_ns() >= e->bands_off_until)) {
		struct band_job job = { e, op, x0, y0, x1, y1, 0 };
		unsigned int rows = (unsigned int)(y1 - y0);

		job.chunks = engine_pool_threads(e->pool) * 4;
		if (job.chunks > rows / 4)
			job.chunks = rows / 4 ? rows / 4 : 1;
		/*
		 * On a host whose other CPUs are busy, a worker can lose its CPU in
		 * the middle of a band and we wait for it longer than the band
		 * would have taken here: then work alone for a while.
		 */
		if (engine_pool_run(e->pool, band_run, &job, job.chunks) && e->bands_adaptive)
			e->bands_off_until = now_ns() + BANDS_BACKOFF_NS;
		else
			e->bands_off_until = 0;
		return;
	}
	img.dst = e->surf[0].image;
	img.src = op->kind == OP_FILL_OVER ? e->solid : e->surf[1].image;
	img.mask = (op->kind == OP_BLEND || op->kind == OP_STRETCH) && op->alpha < 255 ?
		   e->alpha_mask : NULL;
	draw_box(e, op, &img, x0, y0, x1, y1);
}

/* A preemption point once PREEMPT_PIXELS were drawn since the last one. */
static void account(struct engine *e, uint64_t pixels)
{
	e->since_preempt += pixels;
	if (e->since_preempt >= PREEMPT_PIXELS) {
		e->since_preempt = 0;
		e->preempt(e->preempt_data);
	}
}

/*
 * Preemptible engines draw a large box in slices of rows with a preemption
 * point after each (an overlapping copy in one go: its row order matters).
 */
static void exec_box(struct engine *e, const struct op *op, int x0, int y0, int x1, int y1)
{
	uint32_t w = (uint32_t)(x1 - x0), rows = PREEMPT_PIXELS / w ? PREEMPT_PIXELS / w : 1;

	if (op->kind == OP_COPY && copy_overlaps(e, op, x0, y0, x1, y1)) {
		copy_overlapping(e, op, x0, y0, x1, y1);
		if (e->preempt)
			account(e, (uint64_t)w * (uint32_t)(y1 - y0));
		return;
	}
	if (!e->preempt) {
		exec_slice(e, op, x0, y0, x1, y1);
		return;
	}
	for (int y = y0; y < y1; y += (int)rows) {
		int end = y1 - y > (int)rows ? y + (int)rows : y1;

		exec_slice(e, op, x0, y, x1, end);
		account(e, (uint64_t)w * (uint32_t)(end - y));
	}
}

static void exec_rect(struct engine *e, const struct op *op, int x, int y, int w, int h)
{
	pixman_region32_t r;
	pixman_box32_t *boxes;
	int n;

	if (!e->clip_on) {
		exec_box(e, op, x, y, x + w, y + h);
		return;
	}
	if (pixman_region32_n_rects(&e->clip) == 1) {
		const pixman_box32_t *c = pixman_region32_extents(&e->clip);
		int x0 = x > c->x1 ? x : c->x1, y0 = y > c->y1 ? y : c->y1;
		int x1 = x + w < c->x2 ? x + w : c->x2, y1 = y + h < c->y2 ? y + h : c->y2;

		if (x0 < x1 && y0 < y1)
			exec_box(e, op, x0, y0, x1, y1);
		return;
	}
	pixman_region32_init_rect(&r, x, y, (unsigned int)w, (unsigned int)h);
	pixman_region32_intersect(&r, &r, &e->clip);
	boxes = pixman_region32_rectangles(&r, &n);
	for (int i = 0; i < n; i++)
		exec_box(e, op, boxes[i].x1, boxes[i].y1, boxes[i].x2, boxes[i].y2);
	pixman_region32_fini(&r);
}

/* Keep a solid image for `argb` in *cache; false if out of memory. */
static bool cached_solid(pixman_image_t **cache, uint32_t *cached_value, uint32_t argb)
{
	if (*cache && *cached_value == argb)
		return true;
	if (*cache)
		pixman_image_unref(*cache);
	*cache = solid_image(argb);
	*cached_value = argb;
	return *cache != NULL;
}

static uint32_t color_to_pixel(uint32_t argb, uint32_t fourcc)
{
	switch (fourcc) {
	case GFX_FMT_XBGR8888:
	case GFX_FMT_ABGR8888:
		return (argb & 0xff00ff00u) | ((argb >> 16) & 0xffu) | ((argb & 0xffu) << 16);
	case GFX_FMT_RGB565:
		return ((argb >> 8) & 0xf800u) | ((argb >> 5) & 0x07e0u) | ((argb >> 3) & 0x001fu);
	default:
		return argb;
	}
}

uint32_t engine_fill(struct engine *e, unsigned int flags, const uint32_t *p, unsigned int n)
{
	struct surface *d = &e->surf[0];
	struct op op = { 0 };
	uint32_t err;

	if (n < 1 || (n - 1) % 2)
		return GFX_ERR_BAD_LENGTH;
	if (!d->valid)
		return GFX_ERR_NO_SURFACE;
	for (unsigned int i = 1; i < n; i += 2)
		if ((err = check_rect(d, p[i], p[i + 1])))
			return err;
	op.color = p[0];
	if (!(flags & GFX_FLAG_OVER) || (op.color >> 24) == 0xff) {
		op.kind = OP_FILL_SRC;
		op.pixel = color_to_pixel(op.color, d->desc.format);
	} else {
		if (op.color == 0)
			return GFX_ERR_NONE;	/* OVER with transparent: nothing to do */
		op.kind = OP_FILL_OVER;
		if (!cached_solid(&e->solid, &e->solid_color, op.color))
			return GFX_ERR_NONE;
	}
	for (unsigned int i = 1; i < n; i += 2)
		exec_rect(e, &op, GFX_LO(p[i]), GFX_HI(p[i]), GFX_LO(p[i + 1]), GFX_HI(p[i + 1]));
	return GFX_ERR_NONE;
}

static uint32_t check_copy_rects(const struct engine *e, const uint32_t *p, unsigned int n)
{
	uint32_t err;

	if (!e->surf[0].valid || !e->surf[1].valid)
		return GFX_ERR_NO_SURFACE;
	for (unsigned int i = 0; i < n; i += 3) {
		if ((err = check_rect(&e->surf[1], p[i], p[i + 2])))
			return err;
		if ((err = check_rect(&e->surf[0], p[i + 1], p[i + 2])))
			return err;
	}
	return GFX_ERR_NONE;
}

static void exec_copy_rects(struct engine *e, struct op *op, const uint32_t *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i += 3) {
		op->src_x = GFX_LO(p[i]);
		op->src_y = GFX_HI(p[i]);
		op->dst_x = GFX_LO(p[i + 1]);
		op->dst_y = GFX_HI(p[i + 1]);
		exec_rect(e, op, op->dst_x, op->dst_y, GFX_LO(p[i + 2]), GFX_HI(p[i + 2]));
	}
}

uint32_t engine_copy(struct engine *e, const uint32_t *p, unsigned int n)
{
	struct op op = { .kind = OP_COPY };
	uint32_t err;

	if (n % 3)
		return GFX_ERR_BAD_LENGTH;
	if ((err = check_copy_rects(e, p, n)))
		return err;
	exec_copy_rects(e, &op, p, n);
	return GFX_ERR_NONE;
}

uint32_t engine_blend(struct engine *e, const uint32_t *p, unsigned int n)
{
	struct op op = { .kind = OP_BLEND };
	uint32_t err;

	if (n < 1 || (n - 1) % 3)
		return GFX_ERR_BAD_LENGTH;
	if ((err = check_copy_rects(e, p + 1, n - 1)))
		return err;
	op.alpha = p[0] & 0xff;
	if (op.alpha == 0)
		return GFX_ERR_NONE;
	if (op.alpha < 255 && !cached_solid(&e->alpha_mask, &e->alpha_mask_value, op.alpha << 24))
		return GFX_ERR_NONE;
	exec_copy_rects(e, &op, p + 1, n - 1);
	return GFX_ERR_NONE;
}

uint32_t engine_stretch(struct engine *e, unsigned int flags, const uint32_t *p, unsigned int n)
{
	struct surface *d = &e->surf[0], *s = &e->surf[1];
	struct pixman_f_transform ft;
	struct op op = { .kind = OP_STRETCH };
	uint32_t sx = p[0], sy = p[1], sw = p[2], sh = p[3];
	uint32_t dw, dh, err;

	if (n != GFX_STRETCH_BLIT_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	if (!d->valid || !s->valid)
		return GFX_ERR_NO_SURFACE;
	if (!sw || !sh)
		return GFX_ERR_ZERO_SIZE;
	if ((uint64_t)sx + sw > (uint64_t)s->desc.width << 16 ||
	    (uint64_t)sy + sh > (uint64_t)s->desc.height << 16)
		return GFX_ERR_RECT_OOB;
	if ((err = check_rect(d, p[4], p[5])))
		return err;
	op.dst_x = GFX_LO(p[4]);
	op.dst_y = GFX_HI(p[4]);
	dw = GFX_LO(p[5]);
	dh = GFX_HI(p[5]);
	op.alpha = p[6] & 0xff;
	op.over = flags & GFX_FLAG_OVER;
	op.bilinear = flags & GFX_FLAG_BILINEAR;
	if (op.over && op.alpha == 0)
		return GFX_ERR_NONE;
	if (op.alpha < 255 && !cached_solid(&e->alpha_mask, &e->alpha_mask_value, op.alpha << 24))
		return GFX_ERR_NONE;

	/* Destination pixel (u, v) of the rectangle samples source (sx + u * sw / dw, ...). */
	pixman_f_transform_init_identity(&ft);
	ft.m[0][0] = (double)sw / 65536.0 / dw;
	ft.m[0][2] = (double)sx / 65536.0;
	ft.m[1][1] = (double)sh / 65536.0 / dh;
	ft.m[1][2] = (double)sy / 65536.0;
	if (!pixman_transform_from_pixman_f_transform(&op.transform, &ft))
		return GFX_ERR_RECT_OOB;

	setup_stretch_source(s->image, &op);
	exec_rect(e, &op, op.dst_x, op.dst_y, (int)dw, (int)dh);
	undo_stretch_source(s->image);
	return GFX_ERR_NONE;
}

uint32_t engine_execute(struct engine *e, uint32_t hdr, const uint32_t *p, unsigned int n)
{
	uint32_t flags = GFX_CMD_FLAGS(hdr);

	switch (GFX_CMD_OPCODE(hdr)) {
	case GFX_OP_NOP:
		return GFX_ERR_NONE;
	case GFX_OP_SET_SURFACE:
		return engine_set_surface(e, flags & GFX_SURFACE_SRC, p, n);
	case GFX_OP_SET_CLIP:
		return engine_set_clip(e, p, n);
	case GFX_OP_FILL_RECTS:
		return engine_fill(e, flags, p, n);
	case GFX_OP_COPY_RECTS:
		return engine_copy(e, p, n);
	case GFX_OP_BLEND_RECTS:
		return engine_blend(e, p, n);
	case GFX_OP_STRETCH_BLIT:
		return engine_stretch(e, flags, p, n);
	default:
		return GFX_ERR_BAD_OPCODE;
	}
}
