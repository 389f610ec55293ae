/* SPDX-License-Identifier: MIT */
/*
 * commands.c - the command encoders: validate, then store words at the
 * ring tail. Arguments the device would reject are refused here with
 * -EINVAL, before anything reaches the ring; only gfx_emit_raw() bypasses
 * the checks. Rectangle lists longer than one command allows are split.
 */
#include "internal.h"

static int bad(struct gfx_device *dev, const char *what, unsigned int i)
{
	return gfx_set_error(dev, -EINVAL, "%s (rectangle %u)", what, i);
}

static bool rect_inside(int32_t x, int32_t y, uint32_t w, uint32_t h,
			const struct gfx_surface_state *s)
{
	return x >= 0 && y >= 0 && w > 0 && h > 0 &&
	       (uint64_t)x + w <= s->width && (uint64_t)y + h <= s->height;
}

/* The one place libgfx checks a surface's shape against the device's limits. */
int gfx_check_surface(struct gfx_device *dev, uint32_t width, uint32_t height, uint32_t stride,
		      uint32_t format)
{
	uint32_t bpp = gfx_format_bpp(format);

	if (bpp == 0 || !gfx_format_supported(dev, format))
		return gfx_set_error(dev, -EINVAL, "unsupported format 0x%08x", format);
	if (width == 0 || height == 0 || width > GFX_MAX_SURFACE_SIDE ||
	    height > GFX_MAX_SURFACE_SIDE)
		return gfx_set_error(dev, -EINVAL, "bad surface size %ux%u (1..%u each way)", width,
				     height, GFX_MAX_SURFACE_SIDE);
	if (stride % 4 || stride > GFX_MAX_STRIDE || stride < (uint64_t)width * bpp)
		return gfx_set_error(dev, -EINVAL, "bad stride %u for width %u (at most %u)", stride,
				     width, GFX_MAX_STRIDE);
	return 0;
}

int gfx_check_bo(struct gfx_device *dev, const struct gfx_bo *bo)
{
	int r;

	if (!bo)
		return gfx_set_error(dev, -EINVAL, "no buffer");
	r = gfx_check_surface(dev, bo->width, bo->height, bo->stride, bo->format);
	if (r < 0)
		return r;
	if (bo->offset < dev->window_offset ||
	    (uint64_t)bo->offset + (uint64_t)bo->stride * bo->height >
	    (uint64_t)dev->window_offset + dev->window_size)
		return gfx_set_error(dev, -EINVAL, "surface at 0x%x is outside %s", bo->offset,
				     dev->context ? "this context's VRAM window" : "VRAM");
	return 0;
}

int gfx_emit_surface(struct gfx_device *dev, uint32_t slot, const struct gfx_surface_state *s)
{
	int r = gfx_ring_reserve(dev, GFX_SET_SURFACE_WORDS);

	if (r < 0)
		return r;
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_SET_SURFACE, slot, GFX_SET_SURFACE_WORDS));
	gfx_ring_put(dev, 1, s->offset);
	gfx_ring_put(dev, 2, s->width);
	gfx_ring_put(dev, 3, s->height);
	gfx_ring_put(dev, 4, s->stride);
	gfx_ring_put(dev, 5, s->format);
	gfx_ring_advance(dev, GFX_SET_SURFACE_WORDS);
	return 0;
}

static int set_surface(struct gfx_device *dev, uint32_t slot, const struct gfx_bo *bo,
		       struct gfx_surface_state *s)
{
	struct gfx_surface_state ns;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	r = gfx_check_bo(dev, bo);
	if (r < 0)
		return r;
	ns.set = true;
	ns.offset = bo->offset;
	ns.width = bo->width;
	ns.height = bo->height;
	ns.stride = bo->stride;
	ns.format = bo->format;
	r = dev->drv->emit_surface(dev, slot, &ns);
	if (r == 0)
		*s = ns;
	return r;
}

GFX_EXPORT int gfx_set_dst(struct gfx_device *dev, const struct gfx_bo *bo)
{
	return set_surface(dev, GFX_SURFACE_DST, bo, &dev->dst);
}

GFX_EXPORT int gfx_set_src(struct gfx_device *dev, const struct gfx_bo *bo)
{
	return set_surface(dev, GFX_SURFACE_SRC, bo, &dev->src);
}

GFX_EXPORT int gfx_set_clip(struct gfx_device *dev, const struct gfx_rect *rects, unsigned int n)
{
	uint32_t words = 1 + 2 * n, i;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (n > (dev->max_cmd_words - 1) / 2)
		return gfx_set_error(dev, -EINVAL, "%u clip rectangles, at most %u", n,
				     (dev->max_cmd_words - 1) / 2);
	for (i = 0; i < n; i++) {
		const struct gfx_rect *c = &rects[i];

		if (c->x < 0 || c->y < 0 || c->w == 0 || c->h == 0 ||
		    (uint64_t)c->x + c->w > 0xffff || (uint64_t)c->y + c->h > 0xffff)
			return bad(dev, "bad clip rectangle", i);
	}
	r = gfx_ring_reserve(dev, words);
	if (r < 0)
		return r;
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_SET_CLIP, 0, words));
	for (i = 0; i < n; i++) {
		dev->clip[2 * i] = GFX_PACK(rects[i].x, rects[i].y);
		dev->clip[2 * i + 1] = GFX_PACK(rects[i].w, rects[i].h);
		gfx_ring_put(dev, 1 + 2 * i, dev->clip[2 * i]);
		gfx_ring_put(dev, 2 + 2 * i, dev->clip[2 * i + 1]);
	}
	dev->clip_words = 2 * n;
	gfx_ring_advance(dev, words);
	return 0;
}

GFX_EXPORT int gfx_fill(struct gfx_device *dev, enum gfx_op op, uint32_t argb_premul,
			const struct gfx_rect *rects, unsigned int n)
{
	uint32_t per = (dev->max_cmd_words - 2) / 2, flags = op == GFX_OVER ? GFX_FLAG_OVER : 0;
	unsigned int i;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (GFX_UNLIKELY(!dev->dst.set))
		return gfx_set_error(dev, -EINVAL, "fill without a destination surface");
	if (GFX_UNLIKELY(op != GFX_SRC && op != GFX_OVER))
		return gfx_set_error(dev, -EINVAL, "bad operator %d", op);
	for (i = 0; i < n; i++)
		if (GFX_UNLIKELY(!rect_inside(rects[i].x, rects[i].y, rects[i].w, rects[i].h,
					      &dev->dst)))
			return bad(dev, "fill rectangle empty or outside the destination", i);
	while (n > 0) {
		uint32_t k = n < per ? n : per, words = 2 + 2 * k;

		r = gfx_ring_reserve(dev, words);
		if (r < 0)
			return r;
		gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_FILL_RECTS, flags, words));
		gfx_ring_put(dev, 1, argb_premul);
		for (i = 0; i < k; i++) {
			gfx_ring_put(dev, 2 + 2 * i, GFX_PACK(rects[i].x, rects[i].y));
			gfx_ring_put(dev, 3 + 2 * i, GFX_PACK(rects[i].w, rects[i].h));
		}
		gfx_ring_advance(dev, words);
		rects += k;
		n -= k;
	}
	return 0;
}

/* COPY_RECTS and BLEND_RECTS share the layout; BLEND has one alpha word first. */
static int copy_like(struct gfx_device *dev, uint32_t op, bool has_alpha, uint8_t alpha,
		     const struct gfx_copy_rect *rects, unsigned int n)
{
	uint32_t head = has_alpha ? 2 : 1, per = (dev->max_cmd_words - head) / 3;
	unsigned int i;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (GFX_UNLIKELY(!dev->dst.set || !dev->src.set))
		return gfx_set_error(dev, -EINVAL, "%s without source and destination surfaces",
				     has_alpha ? "blend" : "copy");
	for (i = 0; i < n; i++) {
		const struct gfx_copy_rect *c = &rects[i];

		if (GFX_UNLIKELY(!rect_inside(c->src_x, c->src_y, c->w, c->h, &dev->src)))
			return bad(dev, "source rectangle empty or outside the source", i);
		if (GFX_UNLIKELY(!rect_inside(c->dst_x, c->dst_y, c->w, c->h, &dev->dst)))
			return bad(dev, "destination rectangle outside the destination", i);
	}
	while (n > 0) {
		uint32_t k = n < per ? n : per, words = head + 3 * k, w = head;

		r = gfx_ring_reserve(dev, words);
		if (r < 0)
			return r;
		gfx_ring_put(dev, 0, GFX_CMD(op, 0, words));
		if (has_alpha)
			gfx_ring_put(dev, 1, alpha);
		for (i = 0; i < k; i++, w += 3) {
			gfx_ring_put(dev, w, GFX_PACK(rects[i].src_x, rects[i].src_y));
			gfx_ring_put(dev, w + 1, GFX_PACK(rects[i].dst_x, rects[i].dst_y));
			gfx_ring_put(dev, w + 2, GFX_PACK(rects[i].w, rects[i].h));
		}
		gfx_ring_advance(dev, words);
		rects += k;
		n -= k;
	}
	return 0;
}

GFX_EXPORT int gfx_copy(struct gfx_device *dev, const struct gfx_copy_rect *rects, unsigned int n)
{
	return copy_like(dev, GFX_OP_COPY_RECTS, false, 0, rects, n);
}

GFX_EXPORT int gfx_blend(struct gfx_device *dev, uint8_t global_alpha,
			 const struct gfx_copy_rect *rects, unsigned int n)
{
	return copy_like(dev, GFX_OP_BLEND_RECTS, true, global_alpha, rects, n);
}

GFX_EXPORT int gfx_stretch(struct gfx_device *dev, int32_t src_x, int32_t src_y,
			   int32_t src_w, int32_t src_h, const struct gfx_rect *dst,
			   enum gfx_filter filter, enum gfx_op op, uint8_t global_alpha)
{
	uint32_t flags = (op == GFX_OVER ? GFX_FLAG_OVER : 0) |
			 (filter == GFX_BILINEAR ? GFX_FLAG_BILINEAR : 0);
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (!dev->dst.set || !dev->src.set)
		return gfx_set_error(dev, -EINVAL, "stretch without source and destination surfaces");
	if ((op != GFX_SRC && op != GFX_OVER) || (filter != GFX_NEAREST && filter != GFX_BILINEAR))
		return gfx_set_error(dev, -EINVAL, "bad operator or filter");
	if (src_x < 0 || src_y < 0 || src_w <= 0 || src_h <= 0 ||
	    (uint64_t)src_x + (uint64_t)src_w > (uint64_t)dev->src.width << 16 ||
	    (uint64_t)src_y + (uint64_t)src_h > (uint64_t)dev->src.height << 16)
		return gfx_set_error(dev, -EINVAL, "stretch source rectangle empty or outside the source");
	if (!dst || !rect_inside(dst->x, dst->y, dst->w, dst->h, &dev->dst))
		return gfx_set_error(dev, -EINVAL,
				     "stretch destination rectangle empty or outside the destination");
	r = gfx_ring_reserve(dev, GFX_STRETCH_BLIT_WORDS);
	if (r < 0)
		return r;
	gfx_ring_put(dev, 0, GFX_CMD(GFX_OP_STRETCH_BLIT, flags, GFX_STRETCH_BLIT_WORDS));
	gfx_ring_put(dev, 1, (uint32_t)src_x);
	gfx_ring_put(dev, 2, (uint32_t)src_y);
	gfx_ring_put(dev, 3, (uint32_t)src_w);
	gfx_ring_put(dev, 4, (uint32_t)src_h);
	gfx_ring_put(dev, 5, GFX_PACK(dst->x, dst->y));
	gfx_ring_put(dev, 6, GFX_PACK(dst->w, dst->h));
	gfx_ring_put(dev, 7, global_alpha);
	gfx_ring_advance(dev, GFX_STRETCH_BLIT_WORDS);
	return 0;
}

GFX_EXPORT int gfx_emit_raw(struct gfx_device *dev, const uint32_t *words, unsigned int n)
{
	unsigned int i;
	int r;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (n == 0 || !words)
		return gfx_set_error(dev, -EINVAL, "empty raw command");
	r = gfx_ring_reserve(dev, n);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++)
		gfx_ring_put(dev, i, words[i]);
	gfx_ring_advance(dev, n);
	/* After a raw SET_SURFACE we no longer know that slot: it must be set again. */
	for (i = 0; i < n; i += GFX_CMD_WORDS(words[i]) ? GFX_CMD_WORDS(words[i]) : n) {
		if (GFX_CMD_OPCODE(words[i]) == GFX_OP_SET_SURFACE) {
			if (GFX_CMD_FLAGS(words[i]) & GFX_SURFACE_SRC)
				dev->src.set = false;
			else
				dev->dst.set = false;
		}
	}
	return 0;
}
