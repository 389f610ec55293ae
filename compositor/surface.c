/* SPDX-License-Identifier: MIT */
/*
 * surface.c - wl_compositor, wl_surface and wl_region.
 *
 * wl_surface.commit: the role's precommit hook may stop it (a protocol
 * error, or a synchronized subsurface caching the state); then the state
 * is applied (the buffer by buffer.c, size, regions, damage), the children
 * hear of it (their role's parent_commit), and the role's commit and unmap
 * hooks run.
 */
#include <stdlib.h>
#include <string.h>

#include "acquire.h"
#include "buffer.h"
#include "core.h"
#include "output.h"
#include "presentation.h"
#include "repaint.h"
#include "surface.h"
#include "util.h"

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

static void state_init(struct surface_state *st)
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

static void state_set_buffer(struct surface_state *st, struct wl_resource *buffer)
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

static void state_fini(struct surface_state *st)
{
	state_set_buffer(st, NULL);
	pixman_region32_fini(&st->damage);
	pixman_region32_fini(&st->buffer_damage);
	pixman_region32_fini(&st->opaque);
	pixman_region32_fini(&st->input);
	destroy_callbacks(&st->frame_callbacks);
	presentation_discard_list(&st->feedbacks);
}

static void move_callbacks(struct wl_list *dst_callbacks, struct wl_list *dst_feedbacks,
			   struct surface_state *src)
{
	wl_list_insert_list(dst_callbacks->prev, &src->frame_callbacks);
	wl_list_init(&src->frame_callbacks);
	presentation_move_list(dst_feedbacks, &src->feedbacks);
}

/* What a commit consumed: the state is empty again but for what persists. */
static void state_consumed(struct surface_state *st)
{
	state_set_buffer(st, NULL);
	st->new_buffer = false;
	st->acquire_set = false;
	st->dx = st->dy = 0;
	st->opaque_set = st->input_set = false;
	pixman_region32_clear(&st->damage);
	pixman_region32_clear(&st->buffer_damage);
}

/*
 * Merge src into dst (a synchronized subsurface's cache, commits waiting for
 * a fence), leaving src empty. A buffer replaced before it was ever shown is
 * released at once.
 */
static void state_merge(struct surface_state *dst, struct surface_state *src)
{
	if (src->new_buffer) {
		if (dst->new_buffer && dst->buffer && dst->buffer != src->buffer)
			wl_buffer_send_release(dst->buffer);
		state_set_buffer(dst, src->buffer);
		dst->new_buffer = true;
	}
	if (src->acquire_set) {
		dst->acquire_set = true;
		dst->acquire_point = src->acquire_point;
	}
	dst->dx += src->dx;
	dst->dy += src->dy;
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
	move_callbacks(&dst->frame_callbacks, &dst->feedbacks, src);
	state_consumed(src);
}

/* ---- surface queries ---- */

struct surface *surface_from_resource(struct wl_resource *r)
{
	return wl_resource_get_user_data(r);
}

bool surface_is_mapped(struct surface *s)
{
	return s->bo != NULL;
}

bool surface_output_pos(struct surface *s, int32_t *x, int32_t *y)
{
	return s->role && s->role->position && s->role->position(s, x, y);
}

struct surface *surface_parent(struct surface *s)
{
	return s->role && s->role->parent ? s->role->parent(s) : NULL;
}

void surface_damage_whole(struct surface *s)
{
	if (s->was_drawn)
		output_damage_rect(s->server, s->drawn.x, s->drawn.y, s->drawn.w, s->drawn.h);
}

bool surface_set_role(struct surface *s, const struct surface_role *role, void *data,
		      struct wl_resource *error_res, uint32_t error_code)
{
	if (s->role && (s->role != role || s->role_data)) {
		wl_resource_post_error(error_res, error_code,
				       "wl_surface@%u already has the role %s",
				       wl_resource_get_id(s->resource), s->role->name);
		return false;
	}
	s->role = role;
	s->role_data = data;
	return true;
}

bool surface_has_role(struct surface *s, const struct surface_role *role)
{
	return s && s->role == role;
}

bool surface_is_scaled(struct surface *s)
{
	return s->src_w >= 0 || (uint32_t)s->width != s->buf_w || (uint32_t)s->height != s->buf_h;
}

bool surface_accepts_input(struct surface *s, int x, int y)
{
	if (x < 0 || y < 0 || x >= s->width || y >= s->height)
		return false;
	if (s->input_infinite)
		return true;
	return pixman_region32_contains_point(&s->input, x, y, NULL);
}

/* ---- commit ---- */

/* Size from the viewport, else the buffer and its scale; damage if it changed. */
static void apply_size(struct surface *s, struct surface_state *st)
{
	int32_t w, h;

	s->scale = st->scale;
	s->src_x = st->src_x; s->src_y = st->src_y;
	s->src_w = st->src_w; s->src_h = st->src_h;
	s->dst_w = st->dst_w; s->dst_h = st->dst_h;
	if (!s->bo)
		return;
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

static void apply_regions(struct surface *s, struct surface_state *st)
{
	if (st->opaque_set)
		pixman_region32_copy(&s->opaque, &st->opaque);
	if (st->input_set) {
		pixman_region32_copy(&s->input, &st->input);
		s->input_infinite = false;
	}
}

/* Output damage where it was drawn (moves and new maps are found by the scene diff). */
static void damage_drawn(struct surface *s, struct surface_state *st, pixman_region32_t *bdamage)
{
	pixman_region32_t d;

	if (!s->was_drawn || !s->bo)
		return;
	pixman_region32_init(&d);
	pixman_region32_copy(&d, &st->damage);
	if (pixman_region32_not_empty(bdamage)) {
		if (s->width == (int32_t)s->buf_w && s->height == (int32_t)s->buf_h && s->src_w < 0)
			pixman_region32_union(&d, &d, bdamage);
		else
			pixman_region32_union_rect(&d, &d, 0, 0, s->width, s->height);
	}
	pixman_region32_intersect_rect(&d, &d, 0, 0, s->width, s->height);
	output_damage_region(s->server, &d, s->drawn.x, s->drawn.y);
	pixman_region32_fini(&d);
}

/* Apply st to the surface; false after a protocol error (the client is dead). */
static bool commit_state(struct surface *s, struct surface_state *st)
{
	pixman_region32_t bdamage;
	bool ok = true;

	pixman_region32_init(&bdamage);
	if (st->new_buffer && !st->buffer)
		buffer_remove(s);
	else if (st->new_buffer)
		ok = buffer_attach(s, st, &bdamage);
	if (ok) {
		s->dx = st->dx;
		s->dy = st->dy;
		apply_size(s, st);
		apply_regions(s, st);
		damage_drawn(s, st, &bdamage);
	}
	move_callbacks(&s->frame_callbacks, &s->feedbacks, st);
	state_consumed(st);
	pixman_region32_fini(&bdamage);
	repaint_schedule(s->server);
	return ok;
}

/* Tell each subsurface that its parent committed (bottom to top). */
static void children_parent_commit(struct surface *s)
{
	struct wl_list *l, *next;

	for (l = s->sub_order.next; l != &s->sub_order; l = next) {
		next = l->next;
		if (l == &s->self_link)
			continue;
		struct surface *child = surface_from_sub_link(l);
		if (child->role && child->role->parent_commit)
			child->role->parent_commit(child);
	}
}

static void commit_apply(struct surface *s, struct surface_state *st)
{
	bool had_content = s->bo != NULL;

	/* A commit whose buffer's fence has not passed waits, and every later one behind it. */
	if (st != &s->waiting) {
		if (!acquire_check(s, st))
			return;
		if (s->has_waiting || acquire_defer(st)) {
			state_merge(&s->waiting, st);
			if (!s->has_waiting)
				acquire_wait(s);
			s->has_waiting = true;
			return;
		}
	}
	if (!commit_state(s, st))
		return;
	children_parent_commit(s);
	if (s->role && s->role->commit)
		s->role->commit(s);
	if (had_content && !s->bo && s->role && s->role->unmap)
		s->role->unmap(s);
	wl_signal_emit_mutable(&s->server->events.surface_commit, s);
}

void surface_commit_waiting(struct surface *s)
{
	s->has_waiting = false;
	commit_apply(s, &s->waiting);
}

void surface_cache_pending(struct surface *s)
{
	state_merge(&s->cached, &s->pending);
	s->has_cache = true;
}

void surface_commit_cached(struct surface *s)
{
	/* Without a cache its state is not applied: its children's positions wait too. */
	if (!s->has_cache)
		return;
	s->has_cache = false;
	commit_apply(s, &s->cached);
}

/* ---- wl_surface ---- */

static void surface_destroy_req(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void surface_attach(struct wl_client *c, struct wl_resource *r,
			   struct wl_resource *buffer, int32_t x, int32_t y)
{
	struct surface *s = surface_from_resource(r);

	if (wl_resource_get_version(r) >= WL_SURFACE_OFFSET_SINCE_VERSION && (x || y)) {
		wl_resource_post_error(r, WL_SURFACE_ERROR_INVALID_OFFSET,
				       "attach with a non-zero offset (use wl_surface.offset)");
		return;
	}
	state_set_buffer(&s->pending, buffer);
	s->pending.new_buffer = true;
	s->pending.dx = clamp_coord(x);
	s->pending.dy = clamp_coord(y);
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

static void surface_set_opaque_region(struct wl_client *c, struct wl_resource *r,
				      struct wl_resource *region)
{
	struct surface *s = surface_from_resource(r);

	if (region)
		pixman_region32_copy(&s->pending.opaque, wl_resource_get_user_data(region));
	else
		pixman_region32_clear(&s->pending.opaque);
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

	if (s->role && s->role->precommit && !s->role->precommit(s))
		return;
	commit_apply(s, &s->pending);
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

	s->pending.dx = clamp_coord(x);
	s->pending.dy = clamp_coord(y);
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

static void surface_free(struct wl_resource *r)
{
	struct surface *s = surface_from_resource(r);
	struct server *srv = s->server;

	/* Listeners may remove other listeners (focus moves on), so the mutable emit. */
	wl_signal_emit_mutable(&s->destroy_signal, s);
	surface_damage_whole(s);
	repaint_schedule(srv);
	/* Subsurfaces unlinked themselves from sub_order on destroy_signal. */
	wl_list_remove(&s->self_link);
	wl_list_remove(&s->sub_link);
	wl_list_remove(&s->link);
	acquire_forget(s);
	if (s->gpu_surface)
		wl_resource_set_user_data(s->gpu_surface, NULL);
	state_fini(&s->pending);
	state_fini(&s->cached);
	state_fini(&s->waiting);
	destroy_callbacks(&s->frame_callbacks);
	presentation_discard_list(&s->feedbacks);
	pixman_region32_fini(&s->opaque);
	pixman_region32_fini(&s->input);
	buffer_remove(s);
	pixman_region32_fini(&s->visible);
	pixman_region32_fini(&s->stale);
	free(s);
}

static void surface_init(struct surface *s, struct server *srv)
{
	s->server = srv;
	wl_signal_init(&s->destroy_signal);
	state_init(&s->pending);
	state_init(&s->cached);
	state_init(&s->waiting);
	wl_list_init(&s->waiting_link);
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
	wl_list_init(&s->sub_link);
	wl_list_insert(srv->surfaces.prev, &s->link);
}

static void compositor_create_surface(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
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
	surface_init(s, wl_resource_get_user_data(r));
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
