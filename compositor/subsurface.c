/* SPDX-License-Identifier: MIT */
/*
 * subsurface.c - wl_subcompositor and wl_subsurface (subsurface.h).
 *
 * The role's hooks: precommit keeps a synchronized subsurface's state in
 * its cache; parent_commit applies the position and, when synchronized,
 * the cache; position and parent place it relative to its parent.
 */
#include <stdlib.h>

#include "core.h"
#include "repaint.h"
#include "subsurface.h"
#include "surface.h"
#include "util.h"

struct subsurface {
	struct wl_resource *resource;
	struct surface *surface, *parent;
	struct wl_listener parent_destroy, surface_destroy;
	int32_t x, y, pending_x, pending_y;
	bool synchronized;
};

static const struct surface_role subsurface_role;

static struct subsurface *role_subsurface(struct surface *s)
{
	return surface_has_role(s, &subsurface_role) ? s->role_data : NULL;
}

/* Synchronized itself, or through an ancestor. */
static bool is_synced(struct surface *s)
{
	struct subsurface *sub;

	for (int depth = 0; (sub = role_subsurface(s)) && depth <= MAX_NESTING; depth++) {
		if (sub->synchronized)
			return true;
		s = sub->parent;
	}
	return false;
}

/* ---- role hooks ---- */

static bool subsurface_precommit(struct surface *s)
{
	if (!is_synced(s))
		return true;
	surface_cache_pending(s);
	return false;
}

static void subsurface_parent_commit(struct surface *s)
{
	struct subsurface *sub = role_subsurface(s);

	if (!sub)
		return;
	sub->x = sub->pending_x;
	sub->y = sub->pending_y;
	if (is_synced(s))
		surface_commit_cached(s);
}

static bool subsurface_position(struct surface *s, int32_t *x, int32_t *y)
{
	struct subsurface *sub = role_subsurface(s);
	int32_t px, py;

	if (!sub || !sub->parent || !surface_output_pos(sub->parent, &px, &py))
		return false;
	*x = px + sub->x;
	*y = py + sub->y;
	return true;
}

static struct surface *subsurface_parent(struct surface *s)
{
	struct subsurface *sub = role_subsurface(s);

	return sub ? sub->parent : NULL;
}

static const struct surface_role subsurface_role = {
	.name = "wl_subsurface",
	.precommit = subsurface_precommit,
	.parent_commit = subsurface_parent_commit,
	.position = subsurface_position,
	.parent = subsurface_parent,
};

/* ---- the object ---- */

static struct subsurface *subsurface_from_resource(struct wl_resource *r)
{
	return wl_resource_get_user_data(r);
}

static void unlink_from_parent(struct subsurface *sub)
{
	if (!sub->surface)
		return;
	wl_list_remove(&sub->surface->sub_link);
	wl_list_init(&sub->surface->sub_link);
}

static void subsurface_parent_destroyed(struct wl_listener *l, void *data)
{
	struct subsurface *sub = container_of(l, struct subsurface, parent_destroy);

	unlink_from_parent(sub);
	wl_list_remove(&sub->parent_destroy.link);
	wl_list_init(&sub->parent_destroy.link);
	sub->parent = NULL;
}

static void subsurface_surface_destroyed(struct wl_listener *l, void *data)
{
	struct subsurface *sub = container_of(l, struct subsurface, surface_destroy);

	unlink_from_parent(sub);
	wl_list_remove(&sub->surface_destroy.link);
	wl_list_init(&sub->surface_destroy.link);
	sub->surface = NULL;
}

static void subsurface_free(struct wl_resource *r)
{
	struct subsurface *sub = subsurface_from_resource(r);

	unlink_from_parent(sub);
	wl_list_remove(&sub->parent_destroy.link);
	wl_list_remove(&sub->surface_destroy.link);
	if (sub->surface) {
		/* Unmapped now; it may become a subsurface again later. */
		sub->surface->role_data = NULL;
		repaint_schedule(sub->surface->server);
	}
	free(sub);
}

static void subsurface_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void subsurface_set_position(struct wl_client *c, struct wl_resource *r,
				    int32_t x, int32_t y)
{
	struct subsurface *sub = subsurface_from_resource(r);

	sub->pending_x = clamp_coord(x);
	sub->pending_y = clamp_coord(y);
}

/* Find sibling's link in parent's sub_order: the parent itself or a child. */
static struct wl_list *sibling_link(struct subsurface *sub, struct wl_resource *sibling_res)
{
	struct surface *sib = surface_from_resource(sibling_res);
	struct subsurface *ss = role_subsurface(sib);

	if (!sub->parent || sib == sub->surface)
		return NULL;
	if (sib == sub->parent)
		return &sub->parent->self_link;
	if (ss && ss->parent == sub->parent)
		return &sib->sub_link;
	return NULL;
}

static void restack(struct wl_resource *r, struct wl_resource *sibling, bool above)
{
	struct subsurface *sub = subsurface_from_resource(r);
	struct wl_list *at;

	if (!sub->surface)
		return;
	at = sibling_link(sub, sibling);
	if (!at) {
		wl_resource_post_error(r, WL_SUBSURFACE_ERROR_BAD_SURFACE,
				       "sibling is not the parent or a sibling");
		return;
	}
	wl_list_remove(&sub->surface->sub_link);
	wl_list_insert(above ? at : at->prev, &sub->surface->sub_link);
	surface_damage_whole(sub->surface);
	repaint_schedule(sub->surface->server);
}

static void subsurface_place_above(struct wl_client *c, struct wl_resource *r,
				   struct wl_resource *sibling)
{
	restack(r, sibling, true);
}

static void subsurface_place_below(struct wl_client *c, struct wl_resource *r,
				   struct wl_resource *sibling)
{
	restack(r, sibling, false);
}

static void subsurface_set_sync(struct wl_client *c, struct wl_resource *r)
{
	subsurface_from_resource(r)->synchronized = true;
}

static void subsurface_set_desync(struct wl_client *c, struct wl_resource *r)
{
	struct subsurface *sub = subsurface_from_resource(r);

	sub->synchronized = false;
	if (sub->surface && !is_synced(sub->surface) && sub->surface->has_cache)
		surface_commit_cached(sub->surface);
}

static const struct wl_subsurface_interface subsurface_impl = {
	.destroy = subsurface_destroy,
	.set_position = subsurface_set_position,
	.place_above = subsurface_place_above,
	.place_below = subsurface_place_below,
	.set_sync = subsurface_set_sync,
	.set_desync = subsurface_set_desync,
};

static void subcompositor_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

/* How many subsurface parents lie above s (bounded: the scene walk recurses). */
static int nesting_depth(struct surface *s)
{
	struct subsurface *sub;
	int d = 0;

	while ((sub = role_subsurface(s)) && d <= MAX_NESTING) {
		s = sub->parent;
		d++;
	}
	return d;
}

static bool is_ancestor(struct surface *candidate, struct surface *s)
{
	for (int depth = 0; s && depth <= MAX_NESTING + 1; depth++) {
		if (s == candidate)
			return true;
		s = subsurface_parent(s);
	}
	return false;
}

static bool check_new_subsurface(struct wl_resource *r, struct surface *s, struct surface *parent)
{
	if (is_ancestor(s, parent)) {
		wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "a surface cannot be its own ancestor");
		return false;
	}
	if (nesting_depth(parent) >= MAX_NESTING) {
		wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "subsurfaces nested deeper than %d", MAX_NESTING);
		return false;
	}
	if (s->role && (s->role != &subsurface_role || s->role_data)) {
		wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "wl_surface@%u already has a role", wl_resource_get_id(s->resource));
		return false;
	}
	return true;
}

static void subcompositor_get_subsurface(struct wl_client *c, struct wl_resource *r, uint32_t id,
					 struct wl_resource *surface_res,
					 struct wl_resource *parent_res)
{
	struct surface *s = surface_from_resource(surface_res);
	struct surface *parent = surface_from_resource(parent_res);
	struct subsurface *sub;

	if (!check_new_subsurface(r, s, parent))
		return;
	sub = calloc(1, sizeof(*sub));
	if (!sub) {
		wl_client_post_no_memory(c);
		return;
	}
	sub->resource = wl_resource_create(c, &wl_subsurface_interface, 1, id);
	if (!sub->resource) {
		free(sub);
		wl_client_post_no_memory(c);
		return;
	}
	sub->surface = s;
	sub->parent = parent;
	sub->synchronized = true;
	/* New subsurfaces go on top of the parent's stack. */
	wl_list_remove(&s->sub_link);
	wl_list_insert(parent->sub_order.prev, &s->sub_link);
	sub->parent_destroy.notify = subsurface_parent_destroyed;
	wl_signal_add(&parent->destroy_signal, &sub->parent_destroy);
	sub->surface_destroy.notify = subsurface_surface_destroyed;
	wl_signal_add(&s->destroy_signal, &sub->surface_destroy);
	s->role = &subsurface_role;
	s->role_data = sub;
	wl_resource_set_implementation(sub->resource, &subsurface_impl, sub, subsurface_free);
}

static const struct wl_subcompositor_interface subcompositor_impl = {
	.destroy = subcompositor_destroy,
	.get_subsurface = subcompositor_get_subsurface,
};

static void subcompositor_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &wl_subcompositor_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &subcompositor_impl, data, NULL);
}

void subcompositor_init(struct server *s)
{
	wl_global_create(s->display, &wl_subcompositor_interface, SUBCOMPOSITOR_VERSION, s, subcompositor_bind);
}
