/* SPDX-License-Identifier: MIT */
/*
 * buffer.c - a surface's content in VRAM: checks of the wl_shm buffer,
 * uploads of its visible damaged part, held buffers; buffers already in
 * VRAM (a client's context, a dma-buf) shown as they are (buffer.h).
 */
#include <string.h>

#include "buffer.h"
#include "core.h"
#include "output.h"
#include "surface.h"
#include "util.h"
#include "viewporter.h"
#include "vram_buffer.h"

/*
 * Before writing a buffer object the upload waits for the GPU to finish the
 * last frame that read it: at most this long (six frames at 60 Hz). A GPU
 * still busy after that is hung; the upload then goes to a new buffer object.
 */
#define UPLOAD_WAIT_NS		(100 * NS_PER_MS)
/* More damage rectangles than this upload as their bounding box: one copy loop is cheaper. */
#define MAX_UPLOAD_RECTS	64

/* Damage where the surface was drawn last frame (its whole content changes). */
static void damage_drawn(struct surface *s)
{
	if (s->was_drawn)
		output_damage_rect(s->server, s->drawn.x, s->drawn.y, s->drawn.w, s->drawn.h);
}

static bool format_info(uint32_t shm_format, uint32_t *fourcc, bool *alpha)
{
	switch (shm_format) {
	case WL_SHM_FORMAT_ARGB8888: *fourcc = GFX_FMT_ARGB8888; *alpha = true; return true;
	case WL_SHM_FORMAT_XRGB8888: *fourcc = GFX_FMT_XRGB8888; *alpha = false; return true;
	case WL_SHM_FORMAT_RGB565: *fourcc = GFX_FMT_RGB565; *alpha = false; return true;
	default: return false;
	}
}

/*
 * The buffer object may be written once the GPU finished reading it. If it
 * does not finish in time, write into a new one instead, all of it (up
 * grows to the whole buffer); false if there is no VRAM for that.
 */
static bool bo_writable(struct surface *s, pixman_region32_t *up)
{
	struct gfx_device *gfx = s->server->gfx;
	struct gfx_bo *bo;

	if (!s->bo_fence || gfx_fence_done(gfx, s->bo_fence) ||
	    gfx_fence_wait(gfx, s->bo_fence, UPLOAD_WAIT_NS) == 0)
		return true;
	if (gfx_bo_create(gfx, s->buf_w, s->buf_h, s->format, &bo) < 0)
		return false;
	log_msg("the GPU still reads a %ux%u surface after %llu ms: uploading into a new buffer",
		s->buf_w, s->buf_h, (unsigned long long)(UPLOAD_WAIT_NS / NS_PER_MS));
	gfx_bo_destroy(gfx, s->bo);	/* freed once the GPU is done with it */
	s->bo = bo;
	s->bo_fence = 0;
	pixman_region32_union_rect(up, up, 0, 0, s->buf_w, s->buf_h);
	damage_drawn(s);
	return true;
}

/* Copy region up (buffer coordinates) of the shm buffer into the VRAM copy. */
static bool upload(struct surface *s, struct wl_shm_buffer *shm, pixman_region32_t *up)
{
	uint32_t bpp = gfx_format_bpp(s->format);
	int32_t stride = wl_shm_buffer_get_stride(shm);
	pixman_box32_t *b;
	int n;

	if (!bo_writable(s, up))
		return false;
	b = pixman_region32_rectangles(up, &n);
	wl_shm_buffer_begin_access(shm);	/* a truncated pool: an error, not SIGBUS */
	const uint8_t *src = wl_shm_buffer_get_data(shm);
	uint8_t *dst = s->bo->map;
	for (int i = 0; i < n; i++) {
		size_t len = (size_t)(b[i].x2 - b[i].x1) * bpp;
		for (int32_t y = b[i].y1; y < b[i].y2; y++)
			memcpy(dst + (size_t)y * s->bo->stride + (size_t)b[i].x1 * bpp,
			       src + (size_t)y * stride + (size_t)b[i].x1 * bpp, len);
	}
	wl_shm_buffer_end_access(shm);
	return true;
}

/* ---- held buffers ---- */

static void release_held(struct surface *s)
{
	if (!s->held)
		return;
	wl_buffer_send_release(s->held);
	wl_list_remove(&s->held_destroy.link);
	wl_list_init(&s->held_destroy.link);
	s->held = NULL;
}

static void held_destroyed(struct wl_listener *l, void *data)
{
	struct surface *s = container_of(l, struct surface, held_destroy);

	/* Gone while in use: what was not uploaded stays as it was. */
	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	s->held = NULL;
	pixman_region32_clear(&s->stale);
}

static void hold(struct surface *s, struct wl_resource *buffer)
{
	if (s->held == buffer)
		return;
	release_held(s);
	s->held = buffer;
	s->held_destroy.notify = held_destroyed;
	wl_resource_add_destroy_listener(buffer, &s->held_destroy);
}

void buffer_upload_newly_visible(struct surface *s)
{
	pixman_region32_t up;
	struct wl_shm_buffer *shm;

	if (!s->held || !s->bo || !pixman_region32_not_empty(&s->stale))
		return;
	shm = wl_shm_buffer_get(s->held);
	pixman_region32_init(&up);
	if (s->visible_valid)
		pixman_region32_intersect(&up, &s->stale, &s->visible);
	else
		pixman_region32_copy(&up, &s->stale);
	if (shm && pixman_region32_not_empty(&up) && upload(s, shm, &up)) {
		pixman_region32_subtract(&s->stale, &s->stale, &up);
		if (s->was_drawn)
			output_damage_region(s->server, &up, s->drawn.x, s->drawn.y);
	}
	pixman_region32_fini(&up);
	if (!pixman_region32_not_empty(&s->stale))
		release_held(s);
}

/*
 * Let go of the content: our VRAM copy (freed once the GPU is done with it),
 * or a buffer in VRAM (released once the last frame that read it passed).
 */
static void drop_content(struct surface *s)
{
	if (s->content) {
		vram_buffer_retire(s->content, s->bo_fence);
		vram_buffer_unref(s->content);
		s->content = NULL;
	} else if (s->bo) {
		gfx_bo_destroy(s->server->gfx, s->bo);
	}
	s->bo = NULL;
	s->bo_fence = 0;
}

void buffer_remove(struct surface *s)
{
	release_held(s);
	pixman_region32_clear(&s->stale);
	damage_drawn(s);
	drop_content(s);
	s->bo_fence = 0;
	s->buf_w = s->buf_h = 0;
	s->width = s->height = 0;
}

/* ---- a new buffer ---- */

static bool check_shm(struct surface *s, struct surface_state *st, struct wl_shm_buffer *shm,
		      uint32_t *fourcc, bool *alpha)
{
	if (!shm) {
		wl_resource_post_error(s->resource, WL_SURFACE_ERROR_INVALID_SIZE,
				       "only wl_shm buffers are supported");
		return false;
	}
	uint32_t w = wl_shm_buffer_get_width(shm), h = wl_shm_buffer_get_height(shm);
	if (w > (uint32_t)SIZE_MAX_PX || h > (uint32_t)SIZE_MAX_PX) {
		wl_resource_post_error(s->resource, WL_SURFACE_ERROR_INVALID_SIZE,
				       "buffer larger than %d pixels a side", SIZE_MAX_PX);
		return false;
	}
	if (!format_info(wl_shm_buffer_get_format(shm), fourcc, alpha)) {
		wl_resource_post_error(st->buffer, WL_SHM_ERROR_INVALID_FORMAT, "unsupported format");
		return false;
	}
	/* wl_shm checks stride >= width in pixels only: rows must hold the width's bytes. */
	if ((uint32_t)wl_shm_buffer_get_stride(shm) < w * gfx_format_bpp(*fourcc)) {
		wl_resource_post_error(st->buffer, WL_SHM_ERROR_INVALID_STRIDE,
				       "stride %d too small for %u pixels",
				       wl_shm_buffer_get_stride(shm), w);
		return false;
	}
	if (st->scale > 1 && (w % st->scale || h % st->scale) &&
	    wl_resource_get_version(s->resource) >= 6) {
		wl_resource_post_error(s->resource, WL_SURFACE_ERROR_INVALID_SIZE,
				       "buffer size not a multiple of the scale");
		return false;
	}
	return viewport_validate(s, st, w, h);
}

/* A buffer object of the buffer's size and format; *resized if it is a new one. */
static bool ensure_bo(struct surface *s, uint32_t w, uint32_t h, uint32_t fourcc, bool *resized)
{
	struct gfx_device *gfx = s->server->gfx;
	struct gfx_bo *bo;

	*resized = false;
	if (s->bo && !s->content && s->buf_w == w && s->buf_h == h && s->format == fourcc)
		return true;
	if (gfx_bo_create(gfx, w, h, fourcc, &bo) < 0) {
		log_msg("out of VRAM for a %ux%u surface: %s", w, h, gfx_last_error(gfx));
		wl_client_post_no_memory(wl_resource_get_client(s->resource));
		return false;
	}
	damage_drawn(s);
	drop_content(s);
	s->bo = bo;
	s->bo_fence = 0;
	s->buf_w = w;
	s->buf_h = h;
	s->format = fourcc;
	*resized = true;
	return true;
}

static bool unscaled(struct surface_state *st)
{
	return st->scale == 1 && st->src_w < 0 && st->dst_w < 0;
}

/* What changed, in buffer coordinates: buffer damage, and surface damage when they match. */
static void buffer_damage(struct surface *s, struct surface_state *st, bool resized,
			  pixman_region32_t *bdamage)
{
	if (resized) {
		pixman_region32_union_rect(bdamage, bdamage, 0, 0, s->buf_w, s->buf_h);
	} else {
		pixman_region32_copy(bdamage, &st->buffer_damage);
		if (unscaled(st))
			pixman_region32_union(bdamage, bdamage, &st->damage);
		else if (pixman_region32_not_empty(&st->damage))	/* scaled: all, not mapped back */
			pixman_region32_union_rect(bdamage, bdamage, 0, 0, s->buf_w, s->buf_h);
	}
	pixman_region32_intersect_rect(bdamage, bdamage, 0, 0, s->buf_w, s->buf_h);
	if (pixman_region32_n_rects(bdamage) > MAX_UPLOAD_RECTS) {
		pixman_box32_t e = *pixman_region32_extents(bdamage);
		pixman_region32_reset(bdamage, &e);
	}
}

/*
 * Upload what shows; keep the rest stale and the buffer held. The buffer's
 * content is complete, so older stale parts come from it too.
 */
static void upload_visible(struct surface *s, struct surface_state *st, struct wl_shm_buffer *shm,
			   bool resized, pixman_region32_t *bdamage)
{
	pixman_region32_t up;

	pixman_region32_init(&up);
	pixman_region32_union(&s->stale, &s->stale, bdamage);
	if (!resized && s->was_drawn && s->visible_valid && unscaled(st))
		pixman_region32_intersect(&up, &s->stale, &s->visible);
	else
		pixman_region32_copy(&up, &s->stale);
	if (pixman_region32_not_empty(&up) && upload(s, shm, &up))
		pixman_region32_subtract(&s->stale, &s->stale, &up);
	pixman_region32_fini(&up);
	if (pixman_region32_not_empty(&s->stale)) {
		hold(s, st->buffer);
	} else {
		if (s->held != st->buffer)
			wl_buffer_send_release(st->buffer);
		release_held(s);
	}
}

/* A buffer already in VRAM: it is the content, no copy; the last one is retired. */
static bool attach_vram(struct surface *s, struct surface_state *st, struct vram_buffer *vb,
			pixman_region32_t *bdamage)
{
	bool resized = !s->bo || s->buf_w != vb->bo->width || s->buf_h != vb->bo->height;

	if (!viewport_validate(s, st, vb->bo->width, vb->bo->height))
		return false;
	release_held(s);
	pixman_region32_clear(&s->stale);
	if (resized)
		damage_drawn(s);
	if (s->content != vb) {
		vram_buffer_ref(vb);
		drop_content(s);
	}
	if (!wl_list_empty(&vb->release_link)) {	/* shown again before its release */
		wl_list_remove(&vb->release_link);
		wl_list_init(&vb->release_link);
	}
	s->content = vb;
	s->bo = vb->bo;
	s->buf_w = vb->bo->width;
	s->buf_h = vb->bo->height;
	s->format = vb->bo->format;
	s->has_alpha = vb->alpha;
	buffer_damage(s, st, resized, bdamage);
	return true;
}

bool buffer_attach(struct surface *s, struct surface_state *st, pixman_region32_t *bdamage)
{
	struct wl_shm_buffer *shm = wl_shm_buffer_get(st->buffer);
	struct vram_buffer *vb = vram_buffer_from_resource(st->buffer);
	uint32_t fourcc;
	bool alpha, resized;

	if (vb)
		return attach_vram(s, st, vb, bdamage);
	if (!check_shm(s, st, shm, &fourcc, &alpha) ||
	    !ensure_bo(s, wl_shm_buffer_get_width(shm), wl_shm_buffer_get_height(shm), fourcc,
		       &resized))
		return false;
	s->has_alpha = alpha;
	buffer_damage(s, st, resized, bdamage);
	upload_visible(s, st, shm, resized, bdamage);
	return true;
}
