/* SPDX-License-Identifier: MIT */
/*
 * surface.c - wl_compositor, wl_surface and wl_region.
 *
 * On commit the damaged part of a wl_shm buffer is copied into the
 * surface's VRAM buffer object, and the buffer is released at once: the
 * client may reuse it while the GPU composites from VRAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define COMPOSITOR_VERSION 5

/* ---- wl_region ---- */

static void region_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void region_add(struct wl_client *c, struct wl_resource *r,
		       int32_t x, int32_t y, int32_t w, int32_t h)
{
	pixman_region32_t *reg = wl_resource_get_user_data(r);

	if (w > 0 && h > 0)
		pixman_region32_union_rect(reg, reg, x, y, w, h);
}

static void region_subtract(struct wl_client *c, struct wl_resource *r,
			    int32_t x, int32_t y, int32_t w, int32_t h)
{
	pixman_region32_t *reg = wl_resource_get_user_data(r);
	pixman_region32_t rect;

	if (w <= 0 || h <= 0)
		return;
	pixman_region32_init_rect(&rect, x, y, w, h);
	pixman_region32_subtract(reg, reg, &rect);
	pixman_region32_fini(&rect);
}

static const struct wl_region_interface region_impl = {
	.destroy = region_destroy,
	.add = region_add,
	.subtract = region_subtract,
};

static void region_free(struct wl_resource *r)
{
	pixman_region32_t *reg = wl_resource_get_user_data(r);

	pixman_region32_fini(reg);
	free(reg);
}

/* ---- surface state ---- */

void surface_state_init(struct surface_state *st)
{
	memset(st, 0, sizeof(*st));
	pixman_region32_init(&st->damage);
	pixman_region32_init(&st->buffer_damage);
	pixman_region32_init(&st->opaque);
	pixman_region32_init(&st->input);
	wl_list_init(&st->frame_callbacks);
	wl_list_init(&st->feedbacks);
	wl_list_init(&st->buffer_destroy.link);
	st->scale = 1;
	st->src_w = -1;
	st->dst_w = -1;
}

static void state_buffer_destroyed(struct wl_listener *l, void *data)
{
	struct surface_state *st = container_of(l, struct surface_state, buffer_destroy);

	st->buffer = NULL;
	wl_list_remove(&l->link);
	wl_list_init(&l->link);
}

void surface_state_set_buffer(struct surface_state *st, struct wl_resource *buffer)
{
	wl_list_remove(&st->buffer_destroy.link);
	wl_list_init(&st->buffer_destroy.link);
	st->buffer = buffer;
	if (buffer) {
		st->buffer_destroy.notify = state_buffer_destroyed;
		wl_resource_add_destroy_listener(buffer, &st->buffer_destroy);
	}
}

static void destroy_callbacks(struct wl_list *list)
{
	struct wl_resource *cb, *tmp;

	wl_resource_for_each_safe(cb, tmp, list)
		wl_resource_destroy(cb);
}

void surface_state_fini(struct surface_state *st)
{
	surface_state_set_buffer(st, NULL);
	pixman_region32_fini(&st->damage);
	pixman_region32_fini(&st->buffer_damage);
	pixman_region32_fini(&st->opaque);
	pixman_region32_fini(&st->input);
	destroy_callbacks(&st->frame_callbacks);
	presentation_discard_list(&st->feedbacks);
}

/* Merge src into dst (a synchronized subsurface's cache), leaving src empty. */
static void state_merge(struct surface_state *dst, struct surface_state *src)
{
	if (src->new_buffer) {
		surface_state_set_buffer(dst, src->buffer);
		surface_state_set_buffer(src, NULL);
		dst->new_buffer = true;
		dst->dx += src->dx;
		dst->dy += src->dy;
	}
	pixman_region32_union(&dst->damage, &dst->damage, &src->damage);
	pixman_region32_union(&dst->buffer_damage, &dst->buffer_damage, &src->buffer_damage);
	if (src->opaque_set) {
		pixman_region32_copy(&dst->opaque, &src->opaque);
		dst->opaque_set = true;
	}
	if (src->input_set) {
		pixman_region32_copy(&dst->input, &src->input);
		dst->input_set = true;
	}
	dst->scale = src->scale;
	dst->src_x = src->src_x; dst->src_y = src->src_y;
	dst->src_w = src->src_w; dst->src_h = src->src_h;
	dst->dst_w = src->dst_w; dst->dst_h = src->dst_h;
	wl_list_insert_list(dst->frame_callbacks.prev, &src->frame_callbacks);
	wl_list_init(&src->frame_callbacks);
	presentation_move_list(&dst->feedbacks, &src->feedbacks);
	pixman_region32_clear(&src->damage);
	pixman_region32_clear(&src->buffer_damage);
	src->new_buffer = false;
	src->dx = src->dy = 0;
	src->opaque_set = src->input_set = false;
}

/* ---- wl_surface ---- */

struct surface *surface_from_resource(struct wl_resource *r)
{
	return wl_resource_get_user_data(r);
}

bool surface_is_mapped(struct surface *s)
{
	return s->bo != NULL;
}

void surface_damage_whole(struct surface *s)
{
	if (s->was_drawn)
		output_damage_rect(s->server, s->drawn.x, s->drawn.y, s->drawn.w, s->drawn.h);
}

bool surface_set_role(struct surface *s, enum surface_role role, void *data,
		      struct wl_resource *error_res, uint32_t error_code)
{
	if (s->role != ROLE_NONE && (s->role != role || s->role_data)) {
		wl_resource_post_error(error_res, error_code,
				       "wl_surface@%u already has another role",
				       wl_resource_get_id(s->resource));
		return false;
	}
	s->role = role;
	s->role_data = data;
	return true;
}

bool surface_accepts_input(struct surface *s, int x, int y)
{
	if (x < 0 || y < 0 || x >= s->width || y >= s->height)
		return false;
	if (s->input_infinite)
		return true;
	return pixman_region32_contains_point(&s->input, x, y, NULL);
}

static void surface_destroy_req(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void surface_attach(struct wl_client *c, struct wl_resource *r,
			   struct wl_resource *buffer, int32_t x, int32_t y)
{
	struct surface *s = surface_from_resource(r);

	if (wl_resource_get_version(r) >= 5 && (x || y)) {
		wl_resource_post_error(r, WL_SURFACE_ERROR_INVALID_OFFSET,
				       "attach with a non-zero offset (use wl_surface.offset)");
		return;
	}
	surface_state_set_buffer(&s->pending, buffer);
	s->pending.new_buffer = true;
	s->pending.dx = x;
	s->pending.dy = y;
}

static void surface_damage(struct wl_client *c, struct wl_resource *r,
			   int32_t x, int32_t y, int32_t w, int32_t h)
{
	struct surface *s = surface_from_resource(r);

	if (w > 0 && h > 0)
		pixman_region32_union_rect(&s->pending.damage, &s->pending.damage, x, y, w, h);
}

static void callback_unlink(struct wl_resource *r)
{
	wl_list_remove(wl_resource_get_link(r));
}

static void surface_frame(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct surface *s = surface_from_resource(r);
	struct wl_resource *cb = wl_resource_create(c, &wl_callback_interface, 1, id);

	if (!cb) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(cb, NULL, NULL, callback_unlink);
	wl_list_insert(s->pending.frame_callbacks.prev, wl_resource_get_link(cb));
}

static void copy_region(pixman_region32_t *dst, struct wl_resource *region)
{
	if (region)
		pixman_region32_copy(dst, wl_resource_get_user_data(region));
	else
		pixman_region32_clear(dst);
}

static void surface_set_opaque_region(struct wl_client *c, struct wl_resource *r,
				      struct wl_resource *region)
{
	struct surface *s = surface_from_resource(r);

	copy_region(&s->pending.opaque, region);
	s->pending.opaque_set = true;
}

static void surface_set_input_region(struct wl_client *c, struct wl_resource *r,
				     struct wl_resource *region)
{
	struct surface *s = surface_from_resource(r);

	if (region)
		pixman_region32_copy(&s->pending.input, wl_resource_get_user_data(region));
	else	/* infinite */
		pixman_region32_init_rect(&s->pending.input, INT32_MIN / 2, INT32_MIN / 2,
					  UINT32_MAX / 2, UINT32_MAX / 2);
	s->pending.input_set = true;
}

static void surface_commit(struct wl_client *c, struct wl_resource *r)
{
	struct surface *s = surface_from_resource(r);
	bool ok = true;

	xdg_surface_precommit_check(s, &ok);
	if (!ok)
		return;
	if (s->role == ROLE_SUBSURFACE && subsurface_is_synced(s)) {
		state_merge(&s->cached, &s->pending);
		s->has_cache = true;
		return;
	}
	surface_commit_state(s, &s->pending);
	subsurface_parent_commit(s);
	if (s->role == ROLE_XDG_TOPLEVEL || s->role == ROLE_XDG_POPUP)
		xdg_surface_commit(s);
}

static void surface_set_buffer_transform(struct wl_client *c, struct wl_resource *r,
					 int32_t transform)
{
	if (transform < 0 || transform > WL_OUTPUT_TRANSFORM_FLIPPED_270)
		wl_resource_post_error(r, WL_SURFACE_ERROR_INVALID_TRANSFORM,
				       "bad transform %d", transform);
	/* Only normal is drawn; other transforms are accepted and ignored. */
}

static void surface_set_buffer_scale(struct wl_client *c, struct wl_resource *r, int32_t scale)
{
	struct surface *s = surface_from_resource(r);

	if (scale < 1) {
		wl_resource_post_error(r, WL_SURFACE_ERROR_INVALID_SCALE, "bad scale %d", scale);
		return;
	}
	s->pending.scale = scale;
}

static void surface_damage_buffer(struct wl_client *c, struct wl_resource *r,
				  int32_t x, int32_t y, int32_t w, int32_t h)
{
	struct surface *s = surface_from_resource(r);

	if (w > 0 && h > 0)
		pixman_region32_union_rect(&s->pending.buffer_damage, &s->pending.buffer_damage,
					   x, y, w, h);
}

static void surface_offset(struct wl_client *c, struct wl_resource *r, int32_t x, int32_t y)
{
	struct surface *s = surface_from_resource(r);

	s->pending.dx = x;
	s->pending.dy = y;
}

static const struct wl_surface_interface surface_impl = {
	.destroy = surface_destroy_req,
	.attach = surface_attach,
	.damage = surface_damage,
	.frame = surface_frame,
	.set_opaque_region = surface_set_opaque_region,
	.set_input_region = surface_set_input_region,
	.commit = surface_commit,
	.set_buffer_transform = surface_set_buffer_transform,
	.set_buffer_scale = surface_set_buffer_scale,
	.damage_buffer = surface_damage_buffer,
	.offset = surface_offset,
};

static bool format_info(uint32_t shm_format, uint32_t *fourcc, bool *alpha)
{
	switch (shm_format) {
	case WL_SHM_FORMAT_ARGB8888: *fourcc = GFX_FMT_ARGB8888; *alpha = true; return true;
	case WL_SHM_FORMAT_XRGB8888: *fourcc = GFX_FMT_XRGB8888; *alpha = false; return true;
	case WL_SHM_FORMAT_RGB565: *fourcc = GFX_FMT_RGB565; *alpha = false; return true;
	default: return false;
	}
}

/* Copy the damaged rows of the shm buffer into the VRAM copy. */
static void upload(struct surface *s, struct wl_shm_buffer *shm, pixman_region32_t *damage)
{
	struct gfx_bo *bo = s->bo;
	uint32_t bpp = gfx_format_bpp(bo->format);
	int32_t stride = wl_shm_buffer_get_stride(shm);
	int n, i;
	pixman_box32_t *b;

	/* The GPU may still read the old content from the last frame. */
	if (s->bo_fence && !gfx_fence_done(s->server->gfx, s->bo_fence))
		gfx_fence_wait(s->server->gfx, s->bo_fence, 100000000);

	b = pixman_region32_rectangles(damage, &n);
	wl_shm_buffer_begin_access(shm);
	const uint8_t *src = wl_shm_buffer_get_data(shm);
	for (i = 0; i < n; i++) {
		size_t len = (size_t)(b[i].x2 - b[i].x1) * bpp;
		for (int32_t y = b[i].y1; y < b[i].y2; y++)
			memcpy((uint8_t *)bo->map + (size_t)y * bo->stride + (size_t)b[i].x1 * bpp,
			       src + (size_t)y * stride + (size_t)b[i].x1 * bpp, len);
	}
	wl_shm_buffer_end_access(shm);
}

/* ---- held buffers (see "Occlusion" in server.h) ---- */

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

void surface_upload_newly_visible(struct surface *s)
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
	if (shm && pixman_region32_not_empty(&up)) {
		upload(s, shm, &up);
		pixman_region32_subtract(&s->stale, &s->stale, &up);
		if (s->was_drawn)
			output_damage_region(s->server, &up, s->drawn.x, s->drawn.y);
	}
	pixman_region32_fini(&up);
	if (!pixman_region32_not_empty(&s->stale))
		release_held(s);
}

static void surface_unmap_content(struct surface *s)
{
	release_held(s);
	pixman_region32_clear(&s->stale);
	surface_damage_whole(s);
	if (s->bo)
		gfx_bo_destroy(s->server->gfx, s->bo);
	s->bo = NULL;
	s->buf_w = s->buf_h = 0;
	s->width = s->height = 0;
}

void surface_commit_state(struct surface *s, struct surface_state *st)
{
	struct server *srv = s->server;
	pixman_region32_t bdamage;
	bool resized = false;

	pixman_region32_init(&bdamage);

	if (st->new_buffer && !st->buffer) {
		surface_unmap_content(s);
	} else if (st->new_buffer) {
		struct wl_shm_buffer *shm = wl_shm_buffer_get(st->buffer);
		uint32_t fourcc;
		bool alpha;

		if (!shm) {
			wl_resource_post_error(s->resource, WL_SURFACE_ERROR_INVALID_SIZE,
					       "only wl_shm buffers are supported");
			goto out;
		}
		uint32_t w = wl_shm_buffer_get_width(shm), h = wl_shm_buffer_get_height(shm);
		if (w > SIZE_MAX_PX || h > SIZE_MAX_PX) {
			wl_resource_post_error(s->resource, WL_SURFACE_ERROR_INVALID_SIZE,
					       "buffer larger than %d pixels a side", SIZE_MAX_PX);
			goto out;
		}
		if (!format_info(wl_shm_buffer_get_format(shm), &fourcc, &alpha)) {
			wl_resource_post_error(st->buffer, WL_SHM_ERROR_INVALID_FORMAT,
					       "unsupported format");
			goto out;
		}
		/* wl_shm checks stride >= width in pixels only: rows must hold the width's bytes. */
		if ((uint32_t)wl_shm_buffer_get_stride(shm) < w * gfx_format_bpp(fourcc)) {
			wl_resource_post_error(st->buffer, WL_SHM_ERROR_INVALID_STRIDE,
					       "stride %d too small for %u pixels",
					       wl_shm_buffer_get_stride(shm), w);
			goto out;
		}
		if (st->scale > 1 && (w % st->scale || h % st->scale) &&
		    wl_resource_get_version(s->resource) >= 6) {
			wl_resource_post_error(s->resource, WL_SURFACE_ERROR_INVALID_SIZE,
					       "buffer size not a multiple of the scale");
			goto out;
		}
		if (!viewport_validate(s, st, w, h))
			goto out;
		if (!s->bo || s->buf_w != w || s->buf_h != h || s->format != fourcc) {
			struct gfx_bo *bo;
			if (gfx_bo_create(srv->gfx, w, h, fourcc, &bo) < 0) {
				log_msg("out of VRAM for a %ux%u surface: %s", w, h,
					gfx_last_error(srv->gfx));
				wl_client_post_no_memory(wl_resource_get_client(s->resource));
				goto out;
			}
			surface_damage_whole(s);
			if (s->bo)
				gfx_bo_destroy(srv->gfx, s->bo);
			s->bo = bo;
			s->bo_fence = 0;
			s->buf_w = w;
			s->buf_h = h;
			s->format = fourcc;
			resized = true;
		}
		s->has_alpha = alpha;
		if (resized) {
			pixman_region32_union_rect(&bdamage, &bdamage, 0, 0, w, h);
		} else {
			pixman_region32_copy(&bdamage, &st->buffer_damage);
			if (st->scale == 1 && st->src_w < 0 && st->dst_w < 0) {
				pixman_region32_union(&bdamage, &bdamage, &st->damage);
			} else if (pixman_region32_not_empty(&st->damage)) {
				/* Scaled surfaces: upload all rather than map damage back. */
				pixman_region32_union_rect(&bdamage, &bdamage, 0, 0, w, h);
			}
		}
		pixman_region32_intersect_rect(&bdamage, &bdamage, 0, 0, w, h);
		if (pixman_region32_n_rects(&bdamage) > 64) {	/* confetti: one box is cheaper */
			pixman_box32_t e = *pixman_region32_extents(&bdamage);
			pixman_region32_reset(&bdamage, &e);
		}
		/* Upload what shows; keep the rest stale and the buffer held. The
		 * buffer's content is complete, so older stale parts come from it too. */
		pixman_region32_t up;
		pixman_region32_init(&up);
		pixman_region32_union(&s->stale, &s->stale, &bdamage);
		if (!resized && s->was_drawn && s->visible_valid && st->scale == 1 &&
		    st->src_w < 0 && st->dst_w < 0)
			pixman_region32_intersect(&up, &s->stale, &s->visible);
		else
			pixman_region32_copy(&up, &s->stale);
		if (pixman_region32_not_empty(&up))
			upload(s, shm, &up);
		pixman_region32_subtract(&s->stale, &s->stale, &up);
		pixman_region32_fini(&up);
		if (pixman_region32_not_empty(&s->stale)) {
			hold(s, st->buffer);
		} else {
			if (s->held != st->buffer)
				wl_buffer_send_release(st->buffer);
			release_held(s);
		}
	} else if (s->bo) {
		/* Damage without a new buffer still matters for size/scale changes. */
	}

	/* Geometry of the surface. */
	s->scale = st->scale;
	s->src_x = st->src_x; s->src_y = st->src_y;
	s->src_w = st->src_w; s->src_h = st->src_h;
	s->dst_w = st->dst_w; s->dst_h = st->dst_h;
	if (s->bo) {
		int32_t w, h;
		if (s->dst_w > 0) {
			w = s->dst_w; h = s->dst_h;
		} else if (s->src_w >= 0) {
			w = wl_fixed_to_int(s->src_w); h = wl_fixed_to_int(s->src_h);
		} else {
			w = s->buf_w / s->scale; h = s->buf_h / s->scale;
		}
		if (w != s->width || h != s->height) {
			surface_damage_whole(s);
			s->width = w;
			s->height = h;
		}
	}

	if (st->opaque_set)
		pixman_region32_copy(&s->opaque, &st->opaque);
	if (st->input_set) {
		pixman_region32_copy(&s->input, &st->input);
		s->input_infinite = false;
	}

	/* Screen damage where it was drawn (moves and new maps are found by the scene diff). */
	if (s->was_drawn && s->bo) {
		pixman_region32_t d;
		pixman_region32_init(&d);
		pixman_region32_copy(&d, &st->damage);
		if (pixman_region32_not_empty(&bdamage)) {
			if (s->width == (int32_t)s->buf_w && s->height == (int32_t)s->buf_h &&
			    s->src_w < 0)
				pixman_region32_union(&d, &d, &bdamage);
			else
				pixman_region32_union_rect(&d, &d, 0, 0, s->width, s->height);
		}
		pixman_region32_intersect_rect(&d, &d, 0, 0, s->width, s->height);
		output_damage_region(srv, &d, s->drawn.x, s->drawn.y);
		pixman_region32_fini(&d);
	}

	if (s->role == ROLE_CURSOR)
		cursor_moved(srv);
out:
	surface_take_callbacks(s, st);
	surface_state_set_buffer(st, NULL);
	st->new_buffer = false;
	st->dx = st->dy = 0;
	st->opaque_set = st->input_set = false;
	pixman_region32_clear(&st->damage);
	pixman_region32_clear(&st->buffer_damage);
	pixman_region32_fini(&bdamage);
	output_schedule_repaint(srv);
}

void surface_take_callbacks(struct surface *s, struct surface_state *st)
{
	wl_list_insert_list(s->frame_callbacks.prev, &st->frame_callbacks);
	wl_list_init(&st->frame_callbacks);
	presentation_move_list(&s->feedbacks, &st->feedbacks);
}

static void surface_free(struct wl_resource *r)
{
	struct surface *s = surface_from_resource(r);
	struct server *srv = s->server;

	/* Listeners may remove other listeners (focus moves on), so the mutable emit. */
	wl_signal_emit_mutable(&s->destroy_signal, s);
	seat_surface_gone(srv, s);
	surface_damage_whole(s);
	output_schedule_repaint(srv);
	/* Subsurfaces unlinked themselves from sub_order on destroy_signal. */
	wl_list_remove(&s->self_link);
	wl_list_remove(&s->link);
	surface_state_fini(&s->pending);
	surface_state_fini(&s->cached);
	destroy_callbacks(&s->frame_callbacks);
	presentation_discard_list(&s->feedbacks);
	pixman_region32_fini(&s->opaque);
	pixman_region32_fini(&s->input);
	release_held(s);
	pixman_region32_fini(&s->visible);
	pixman_region32_fini(&s->stale);
	if (s->bo)
		gfx_bo_destroy(srv->gfx, s->bo);
	free(s);
}

static void compositor_create_surface(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct server *srv = wl_resource_get_user_data(r);
	struct surface *s = calloc(1, sizeof(*s));

	if (!s) {
		wl_client_post_no_memory(c);
		return;
	}
	s->resource = wl_resource_create(c, &wl_surface_interface, wl_resource_get_version(r), id);
	if (!s->resource) {
		free(s);
		wl_client_post_no_memory(c);
		return;
	}
	s->server = srv;
	wl_signal_init(&s->destroy_signal);
	surface_state_init(&s->pending);
	surface_state_init(&s->cached);
	wl_list_init(&s->frame_callbacks);
	wl_list_init(&s->feedbacks);
	pixman_region32_init(&s->opaque);
	pixman_region32_init(&s->input);
	pixman_region32_init(&s->visible);
	pixman_region32_init(&s->stale);
	wl_list_init(&s->held_destroy.link);
	s->input_infinite = true;
	s->scale = 1;
	s->src_w = -1;
	s->dst_w = -1;
	wl_list_init(&s->sub_order);
	wl_list_insert(&s->sub_order, &s->self_link);
	wl_list_insert(srv->surfaces.prev, &s->link);
	wl_resource_set_implementation(s->resource, &surface_impl, s, surface_free);
}

static void compositor_create_region(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	pixman_region32_t *reg = calloc(1, sizeof(*reg));
	struct wl_resource *res;

	if (!reg) {
		wl_client_post_no_memory(c);
		return;
	}
	res = wl_resource_create(c, &wl_region_interface, 1, id);
	if (!res) {
		free(reg);
		wl_client_post_no_memory(c);
		return;
	}
	pixman_region32_init(reg);
	wl_resource_set_implementation(res, &region_impl, reg, region_free);
}

static const struct wl_compositor_interface compositor_impl = {
	.create_surface = compositor_create_surface,
	.create_region = compositor_create_region,
};

static void compositor_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &wl_compositor_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &compositor_impl, data, NULL);
}

void compositor_init(struct server *s)
{
	wl_global_create(s->display, &wl_compositor_interface, COMPOSITOR_VERSION, s,
			 compositor_bind);
}
