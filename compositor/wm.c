/* SPDX-License-Identifier: MIT */
/*
 * wm.c - the window manager's policy (wm.h): placement, focus, stacking.
 */
#include "core.h"
#include "layout.h"
#include "output.h"
#include "repaint.h"
#include "seat.h"
#include "surface.h"
#include "util.h"
#include "wm.h"
#include "xdg_shell.h"

/* ---- stacking and focus ---- */

/* Stacking changed: repaint the window and its subsurfaces. */
static void damage_window(struct server *s, struct toplevel *t)
{
	struct surface *surf = toplevel_surface(t);
	struct gfx_rect f = toplevel_frame_rect(t);
	struct wl_list *l;

	output_damage_rect(s, f.x, f.y, f.w, f.h);
	surface_damage_whole(surf);
	for (l = surf->sub_order.next; l != &surf->sub_order; l = l->next)
		if (l != &surf->self_link)
			surface_damage_whole(surface_from_sub_link(l));
}

void wm_focus(struct server *s, struct toplevel *t)
{
	struct toplevel *old = NULL, *it;

	wl_list_for_each(it, &s->toplevels, link)
		if (it->activated)
			old = it;
	if (t) {	/* raise */
		wl_list_remove(&t->link);
		wl_list_insert(&s->toplevels, &t->link);
		damage_window(s, t);
	}
	seat_set_keyboard_focus(&s->seat, t ? toplevel_surface(t) : NULL);
	if (old && old != t)
		toplevel_set_activated(old, false);
	if (t && old != t)
		toplevel_set_activated(t, true);
	repaint_schedule(s);
}

struct toplevel *wm_top_window(struct server *s, struct toplevel *except)
{
	struct toplevel *t;

	wl_list_for_each(t, &s->toplevels, link)
		if (t != except && t->mapped && t->xdg)
			return t;
	return NULL;
}

void wm_cycle(struct server *s)
{
	struct toplevel *t, *bottom = NULL;

	wl_list_for_each(t, &s->toplevels, link)
		if (t->mapped)
			bottom = t;
	if (bottom)
		wm_focus(s, bottom);
	seat_repick(s);
}

/* ---- maps and unmaps ---- */

static void place(struct server *s, struct toplevel *t)
{
	int k = s->wm.next_place++ % PLACE_SLOTS;

	t->x = PLACE_X + PLACE_STEP * k;
	t->y = PLACE_Y + PLACE_STEP * k;
}

static void on_toplevel_map(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, wm.toplevel_map);
	struct toplevel *t = data;
	struct gfx_rect g = toplevel_geometry(t);

	if (!t->maximized && !t->fullscreen && !t->positioned)
		place(s, t);
	log_msg("map toplevel '%s' at %d,%d size %ux%u%s", t->title ? t->title : "",
		t->x, t->y, g.w, g.h, t->ssd ? " (server-side title bar)" : "");
	popup_dismiss_all(s, NULL);	/* a new window ends the popups' grabs */
	wm_focus(s, t);
	seat_repick(s);
}

static void on_toplevel_unmap(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, wm.toplevel_unmap);
	struct toplevel *t = data;
	struct surface *focus = s->seat.keyboard_focus;

	t->activated = false;
	if (focus && focus == toplevel_surface(t))
		wm_focus(s, wm_top_window(s, t));
	seat_repick(s);	/* leave it while it still exists */
}

/* A popup that grabs takes the keyboard. */
static void on_popup_map(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, wm.popup_map);
	struct popup *p = data;

	if (p->grab)
		seat_set_keyboard_focus(&s->seat, p->xdg->surface);
	seat_repick(s);
}

/* The keyboard goes back to the parent popup if it grabs, else to the window. */
static void on_popup_unmap(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, wm.popup_unmap);
	struct popup *p = data;
	struct toplevel *t;

	seat_repick(s);	/* leave it while it still exists */
	if (!p->xdg || s->seat.keyboard_focus != p->xdg->surface)
		return;
	if (popup_is_grabbing(popup_from_surface(p->parent))) {
		seat_set_keyboard_focus(&s->seat, p->parent);
		return;
	}
	t = toplevel_from_surface(p->parent);
	if (!t || !t->mapped || !t->xdg)	/* orphaned: the top window */
		t = wm_top_window(s, NULL);
	if (t)
		wm_focus(s, t);
	else
		seat_set_keyboard_focus(&s->seat, NULL);
}

/* ---- the output ---- */

static void on_output_mode(struct wl_listener *l, void *data)
{
	struct server *s = container_of(l, struct server, wm.output_mode);
	struct toplevel *t;

	wl_list_for_each(t, &s->toplevels, link)
		if (t->xdg && t->xdg->initial_commit_done && (t->maximized || t->fullscreen))
			toplevel_send_configure(t);
}

/* ---- lifecycle ---- */

static void listen(struct wl_signal *signal, struct wl_listener *l, wl_notify_func_t fn)
{
	l->notify = fn;
	wl_signal_add(signal, l);
}

void wm_init(struct server *s)
{
	listen(&s->events.toplevel_map, &s->wm.toplevel_map, on_toplevel_map);
	listen(&s->events.toplevel_unmap, &s->wm.toplevel_unmap, on_toplevel_unmap);
	listen(&s->events.popup_map, &s->wm.popup_map, on_popup_map);
	listen(&s->events.popup_unmap, &s->wm.popup_unmap, on_popup_unmap);
	listen(&s->events.output_mode, &s->wm.output_mode, on_output_mode);
}

void wm_fini(struct server *s)
{
	wl_list_remove(&s->wm.toplevel_map.link);
	wl_list_remove(&s->wm.toplevel_unmap.link);
	wl_list_remove(&s->wm.popup_map.link);
	wl_list_remove(&s->wm.popup_unmap.link);
	wl_list_remove(&s->wm.output_mode.link);
}
