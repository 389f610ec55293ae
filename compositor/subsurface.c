/* SPDX-License-Identifier: MIT */
/*
 * subsurface.c - wl_subcompositor and wl_subsurface.
 *
 * A subsurface is drawn relative to its parent, in the parent's sub_order
 * list. Synchronized subsurfaces keep their commits in a cache that the
 * parent's commit applies, so parent and children change atomically.
 */
#include <stdlib.h>

#include "server.h"

static struct subsurface *subsurface_from_resource(struct wl_resource *r)
{
	return wl_resource_get_user_data(r);
}

bool subsurface_is_synced(struct surface *s)
{
	while (s && s->role == ROLE_SUBSURFACE && s->role_data) {
		struct subsurface *sub = s->role_data;
		if (sub->synchronized)
			return true;
		s = sub->parent;
	}
	return false;
}

static void apply_cache(struct surface *s)
{
	if (!s->has_cache)
		return;
	s->has_cache = false;
	surface_commit_state(s, &s->cached);
}

void subsurface_parent_commit(struct surface *parent)
{
	struct wl_list *l;

	for (l = parent->sub_order.next; l != &parent->sub_order; l = l->next) {
		if (l == &parent->self_link)
			continue;
		struct subsurface *sub = container_of(l, struct subsurface, parent_link);
		sub->x = sub->pending_x;
		sub->y = sub->pending_y;
		if (!sub->surface)
			continue;
		if (subsurface_is_synced(sub->surface)) {
			apply_cache(sub->surface);
			subsurface_parent_commit(sub->surface);
		}
	}
}

static void subsurface_parent_destroyed(struct wl_listener *l, void *data)
{
	struct subsurface *sub = container_of(l, struct subsurface, parent_destroy);

	wl_list_remove(&sub->parent_link);
	wl_list_init(&sub->parent_link);
	wl_list_remove(&sub->parent_destroy.link);
	wl_list_init(&sub->parent_destroy.link);
	sub->parent = NULL;
}

static void subsurface_surface_destroyed(struct wl_listener *l, void *data)
{
	struct subsurface *sub = container_of(l, struct subsurface, surface_destroy);

	wl_list_remove(&sub->surface_destroy.link);
	wl_list_init(&sub->surface_destroy.link);
	wl_list_remove(&sub->parent_link);
	wl_list_init(&sub->parent_link);
	sub->surface = NULL;
}

static void subsurface_free(struct wl_resource *r)
{
	struct subsurface *sub = subsurface_from_resource(r);

	wl_list_remove(&sub->parent_link);
	wl_list_remove(&sub->parent_destroy.link);
	wl_list_remove(&sub->surface_destroy.link);
	if (sub->surface) {
		/* Unmapped now; it may become a subsurface again later. */
		sub->surface->role_data = NULL;
		output_schedule_repaint(sub->surface->server);
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

	if (!sub->parent || sib == sub->surface)
		return NULL;
	if (sib == sub->parent)
		return &sub->parent->self_link;
	if (sib->role == ROLE_SUBSURFACE && sib->role_data) {
		struct subsurface *ss = sib->role_data;
		if (ss->parent == sub->parent)
			return &ss->parent_link;
	}
	return NULL;
}

static void restack(struct wl_client *c, struct wl_resource *r, struct wl_resource *sibling,
		    bool above)
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
	wl_list_remove(&sub->parent_link);
	wl_list_insert(above ? at : at->prev, &sub->parent_link);
	surface_damage_whole(sub->surface);
	output_schedule_repaint(sub->surface->server);
}

static void subsurface_place_above(struct wl_client *c, struct wl_resource *r,
				   struct wl_resource *sibling)
{
	restack(c, r, sibling, true);
}

static void subsurface_place_below(struct wl_client *c, struct wl_resource *r,
				   struct wl_resource *sibling)
{
	restack(c, r, sibling, false);
}

static void subsurface_set_sync(struct wl_client *c, struct wl_resource *r)
{
	subsurface_from_resource(r)->synchronized = true;
}

static void subsurface_set_desync(struct wl_client *c, struct wl_resource *r)
{
	struct subsurface *sub = subsurface_from_resource(r);

	sub->synchronized = false;
	if (sub->surface && !subsurface_is_synced(sub->surface))
		apply_cache(sub->surface);
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

static int nesting_depth(struct surface *s)
{
	int d = 0;

	while (s && s->role == ROLE_SUBSURFACE && s->role_data && d <= MAX_NESTING) {
		s = ((struct subsurface *)s->role_data)->parent;
		d++;
	}
	return d;
}

static bool is_ancestor(struct surface *candidate, struct surface *s)
{
	while (s) {
		if (s == candidate)
			return true;
		if (s->role != ROLE_SUBSURFACE || !s->role_data)
			return false;
		s = ((struct subsurface *)s->role_data)->parent;
	}
	return false;
}

static void subcompositor_get_subsurface(struct wl_client *c, struct wl_resource *r, uint32_t id,
					 struct wl_resource *surface_res,
					 struct wl_resource *parent_res)
{
	struct surface *s = surface_from_resource(surface_res);
	struct surface *parent = surface_from_resource(parent_res);
	struct subsurface *sub;

	if (is_ancestor(s, parent)) {
		wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "a surface cannot be its own ancestor");
		return;
	}
	if (nesting_depth(parent) >= MAX_NESTING) {
		/* Our scene walk recurses; keep the depth bounded. */
		wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "subsurfaces nested deeper than %d", MAX_NESTING);
		return;
	}
	if (s->role != ROLE_NONE && (s->role != ROLE_SUBSURFACE || s->role_data)) {
		wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE,
				       "wl_surface@%u already has a role", wl_resource_get_id(surface_res));
		return;
	}
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
	wl_list_insert(parent->sub_order.prev, &sub->parent_link);
	sub->parent_destroy.notify = subsurface_parent_destroyed;
	wl_signal_add(&parent->destroy_signal, &sub->parent_destroy);
	sub->surface_destroy.notify = subsurface_surface_destroyed;
	wl_signal_add(&s->destroy_signal, &sub->surface_destroy);
	s->role = ROLE_SUBSURFACE;
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
	wl_global_create(s->display, &wl_subcompositor_interface, 1, s, subcompositor_bind);
}
