/* SPDX-License-Identifier: MIT */
/*
 * seat.c - wl_seat: pointer and keyboard focus, the keymap, and the
 * compositor's own bindings (Alt+drag and title bars move windows,
 * Alt+Tab raises the bottom window, clicks focus and raise).
 *
 * Input arrives as evdev codes, from libevdev devices or the GPU's input
 * FIFO, through seat_key/seat_button/seat_pointer_*.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define SEAT_VERSION 7

uint32_t seat_next_serial(struct server *s)
{
	return wl_display_next_serial(s->display);
}

static uint32_t now_ms(void)
{
	return (uint32_t)(now_ns() / 1000000ull);
}

static bool same_client(struct wl_resource *r, struct surface *surf)
{
	return surf && wl_resource_get_client(r) == wl_resource_get_client(surf->resource);
}

/* ---- keymap ---- */

static int keymap_setup(struct seat *seat)
{
	char *str;
	size_t len;

	seat->xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (!seat->xkb)
		return -1;
	/* NULL names: rules/model/layout from XKB_DEFAULT_*, else evdev/pc105/us. */
	seat->keymap = xkb_keymap_new_from_names(seat->xkb, NULL, XKB_KEYMAP_COMPILE_NO_FLAGS);
	if (!seat->keymap) {
		log_msg("cannot compile the default keymap (is xkb-data installed?)");
		return -1;
	}
	seat->state = xkb_state_new(seat->keymap);
	str = xkb_keymap_get_as_string(seat->keymap, XKB_KEYMAP_FORMAT_TEXT_V1);
	if (!str)
		return -1;
	len = strlen(str) + 1;
	/* One sealed memfd for all clients: they map it read-only. */
	seat->keymap_fd = memfd_create("gfx-compositor-keymap", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (seat->keymap_fd < 0 || write(seat->keymap_fd, str, len) != (ssize_t)len) {
		free(str);
		return -1;
	}
	fcntl(seat->keymap_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	seat->keymap_size = len;
	free(str);
	return 0;
}

static bool alt_held(struct seat *seat)
{
	return seat->state &&
	       xkb_state_mod_name_is_active(seat->state, XKB_MOD_NAME_ALT, XKB_STATE_MODS_EFFECTIVE) > 0;
}

/* ---- focus ---- */

static void send_modifiers(struct seat *seat, struct wl_resource *kb, uint32_t serial)
{
	wl_keyboard_send_modifiers(kb, serial, seat->mods_depressed, seat->mods_latched,
				   seat->mods_locked, seat->group);
}

static void keyboard_focus_destroyed(struct wl_listener *l, void *data)
{
	struct seat *seat = container_of(l, struct seat, keyboard_focus_destroy);

	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	seat->keyboard_focus = NULL;
}

static void set_keyboard_focus(struct seat *seat, struct surface *surf)
{
	struct wl_resource *kb;
	uint32_t serial;

	if (seat->keyboard_focus == surf)
		return;
	if (seat->keyboard_focus) {
		serial = seat_next_serial(seat->server);
		wl_resource_for_each(kb, &seat->keyboards)
			if (same_client(kb, seat->keyboard_focus))
				wl_keyboard_send_leave(kb, serial, seat->keyboard_focus->resource);
		wl_list_remove(&seat->keyboard_focus_destroy.link);
		wl_list_init(&seat->keyboard_focus_destroy.link);
	}
	seat->keyboard_focus = surf;
	if (!surf)
		return;
	seat->keyboard_focus_destroy.notify = keyboard_focus_destroyed;
	wl_signal_add(&surf->destroy_signal, &seat->keyboard_focus_destroy);
	serial = seat_next_serial(seat->server);
	wl_resource_for_each(kb, &seat->keyboards) {
		if (!same_client(kb, surf))
			continue;
		wl_keyboard_send_enter(kb, serial, surf->resource, &seat->keys);
		send_modifiers(seat, kb, serial);
	}
	data_device_focus(seat->server, wl_resource_get_client(surf->resource));
}

void seat_focus_toplevel(struct server *s, struct toplevel *t)
{
	struct seat *seat = &s->seat;
	struct toplevel *old = NULL, *it;

	wl_list_for_each(it, &s->toplevels, link)
		if (it->xdg && seat->keyboard_focus == it->xdg->surface)
			old = it;
	if (t) {	/* raise */
		wl_list_remove(&t->link);
		wl_list_insert(&s->toplevels, &t->link);
		/* Stacking changed: repaint the window (subsurfaces too, roughly). */
		struct gfx_rect f = toplevel_frame_rect(t);
		output_damage_rect(s, f.x, f.y, f.w, f.h);
		surface_damage_whole(t->xdg->surface);
		struct wl_list *l;
		for (l = t->xdg->surface->sub_order.next; l != &t->xdg->surface->sub_order; l = l->next)
			if (l != &t->xdg->surface->self_link) {
				struct subsurface *sub = container_of(l, struct subsurface, parent_link);
				if (sub->surface)
					surface_damage_whole(sub->surface);
			}
	}
	set_keyboard_focus(seat, t ? t->xdg->surface : NULL);
	if (old && old != t)
		toplevel_set_activated(old, false);
	if (t && old != t)
		toplevel_set_activated(t, true);
	output_schedule_repaint(s);
}

static struct toplevel *toplevel_of(struct surface *surf);

void seat_focus_popup(struct server *s, struct surface *popup)
{
	set_keyboard_focus(&s->seat, popup);
}

void seat_popup_gone(struct server *s, struct surface *popup, struct surface *parent)
{
	struct toplevel *t;

	if (s->seat.keyboard_focus != popup)
		return;
	/* Back to the parent popup if it grabs, else to the toplevel. */
	if (parent && parent->role == ROLE_XDG_POPUP && parent->xdg && parent->xdg->popup &&
	    parent->xdg->popup->mapped && parent->xdg->popup->grab) {
		set_keyboard_focus(&s->seat, parent);
		return;
	}
	t = toplevel_of(parent);
	if (!t || !t->mapped || !t->xdg) {	/* orphaned: the top window */
		struct toplevel *it;
		t = NULL;
		wl_list_for_each(it, &s->toplevels, link)
			if (it->mapped && it->xdg && !t)
				t = it;
	}
	if (t)
		seat_focus_toplevel(s, t);
	else
		set_keyboard_focus(&s->seat, NULL);
}

static void pointer_focus_destroyed(struct wl_listener *l, void *data)
{
	struct seat *seat = container_of(l, struct seat, pointer_focus_destroy);

	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	seat->pointer_focus = NULL;
}

static void send_pointer_frame(struct seat *seat, struct surface *surf)
{
	struct wl_resource *p;

	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, surf) && wl_resource_get_version(p) >= WL_POINTER_FRAME_SINCE_VERSION)
			wl_pointer_send_frame(p);
}

static void set_pointer_focus(struct seat *seat, struct surface *surf, double sx, double sy)
{
	struct wl_resource *p;
	uint32_t serial;

	if (seat->pointer_focus == surf)
		return;
	if (seat->pointer_focus) {
		struct surface *old = seat->pointer_focus;
		serial = seat_next_serial(seat->server);
		wl_resource_for_each(p, &seat->pointers)
			if (same_client(p, old))
				wl_pointer_send_leave(p, serial, old->resource);
		send_pointer_frame(seat, old);
		wl_list_remove(&seat->pointer_focus_destroy.link);
		wl_list_init(&seat->pointer_focus_destroy.link);
	}
	seat->pointer_focus = surf;
	/* Back to our own cursor until the new client sets one. */
	seat->cursor_surface = NULL;
	seat->cursor_hidden = false;
	cursor_moved(seat->server);
	if (!surf)
		return;
	seat->pointer_focus_destroy.notify = pointer_focus_destroyed;
	wl_signal_add(&surf->destroy_signal, &seat->pointer_focus_destroy);
	serial = seat_next_serial(seat->server);
	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, surf))
			wl_pointer_send_enter(p, serial, surf->resource, wl_fixed_from_double(sx),
					      wl_fixed_from_double(sy));
	send_pointer_frame(seat, surf);
}

/* The topmost item under (x, y): a surface taking input, or a title bar. */
static struct frame_item pick(struct server *s, double x, double y, double *sx, double *sy)
{
	struct scene sc = { 0 };
	struct frame_item found = { .kind = ITEM_CURSOR };

	scene_build(s, &sc);
	for (size_t i = sc.n; i-- > 0;) {
		struct frame_item *it = &sc.items[i];
		if (!rect_contains(&it->rect, x, y))
			continue;
		if (it->kind == ITEM_SURFACE) {
			double lx = x - it->rect.x, ly = y - it->rect.y;
			if (!surface_accepts_input(it->surface, (int)lx, (int)ly))
				continue;
			*sx = lx;
			*sy = ly;
			found = *it;
			break;
		}
		if (it->kind == ITEM_FRAME) {
			struct gfx_rect g = toplevel_geometry(it->toplevel);
			struct gfx_rect inner = { it->toplevel->x, it->toplevel->y, g.w, g.h };
			if (rect_contains(&inner, x, y))
				continue;	/* the window itself, under a non-input part */
			found = *it;
			break;
		}
	}
	scene_fini(&sc);
	return found;
}

/* The toplevel a surface belongs to (through subsurfaces and popups). */
static struct toplevel *toplevel_of(struct surface *surf)
{
	for (int depth = 0; surf && depth < 64; depth++) {
		if (surf->role == ROLE_XDG_TOPLEVEL && surf->xdg)
			return surf->xdg->toplevel;
		if (surf->role == ROLE_SUBSURFACE && surf->role_data)
			surf = ((struct subsurface *)surf->role_data)->parent;
		else if (surf->role == ROLE_XDG_POPUP && surf->xdg && surf->xdg->popup)
			surf = surf->xdg->popup->parent;
		else
			return NULL;
	}
	return NULL;
}

void seat_repick(struct server *s)
{
	struct seat *seat = &s->seat;
	double sx = 0, sy = 0;

	if (seat->grab)
		return;
	struct frame_item it = pick(s, seat->px, seat->py, &sx, &sy);
	struct surface *surf = it.kind == ITEM_SURFACE ? it.surface : NULL;
	set_pointer_focus(seat, surf, sx, sy);
}

void seat_surface_gone(struct server *s, struct surface *surf)
{
	struct seat *seat = &s->seat;

	if (seat->cursor_surface == surf) {
		seat->cursor_surface = NULL;
		cursor_moved(s);
	}
}

/* ---- input entry points ---- */

void seat_start_move(struct server *s, struct toplevel *t)
{
	struct seat *seat = &s->seat;

	if (!seat->buttons_down || !t)
		return;
	seat->grab = t;
	seat->resize_edges = 0;
	seat->grab_dx = seat->px - t->x;
	seat->grab_dy = seat->py - t->y;
	set_pointer_focus(seat, NULL, 0, 0);
}

void seat_start_resize(struct server *s, struct toplevel *t, uint32_t edges)
{
	struct seat *seat = &s->seat;
	struct gfx_rect g;

	if (!seat->buttons_down || !t || !edges || t->maximized || t->fullscreen)
		return;
	g = toplevel_geometry(t);
	seat->grab = t;
	seat->resize_edges = edges;
	seat->grab_px = seat->px;
	seat->grab_py = seat->py;
	seat->grab_w = g.w;
	seat->grab_h = g.h;
	t->resizing = true;
	t->resize_edges = edges;
	t->anchor_x = t->x + (int32_t)g.w;	/* right and bottom edges */
	t->anchor_y = t->y + (int32_t)g.h;
	set_pointer_focus(seat, NULL, 0, 0);
}

static void resize_motion(struct server *s)
{
	struct seat *seat = &s->seat;
	struct toplevel *t = seat->grab;
	double dx = seat->px - seat->grab_px, dy = seat->py - seat->grab_py;
	int32_t w = seat->grab_w, h = seat->grab_h;

	if (seat->resize_edges & 4) w -= (int32_t)dx;	/* left */
	if (seat->resize_edges & 8) w += (int32_t)dx;	/* right */
	if (seat->resize_edges & 1) h -= (int32_t)dy;	/* top */
	if (seat->resize_edges & 2) h += (int32_t)dy;	/* bottom */
	w = w < 32 ? 32 : clamp_size(w);
	h = h < 32 ? 32 : clamp_size(h);
	if (t->min_w && w < t->min_w) w = t->min_w;
	if (t->min_h && h < t->min_h) h = t->min_h;
	if (t->max_w && w > t->max_w) w = t->max_w;
	if (t->max_h && h > t->max_h) h = t->max_h;
	if (w == t->pending_w && h == t->pending_h)
		return;
	t->pending_w = w;
	t->pending_h = h;
	toplevel_send_configure(t);
}

static void end_grab(struct server *s)
{
	struct seat *seat = &s->seat;
	struct toplevel *t = seat->grab;

	seat->grab = NULL;
	if (t && seat->resize_edges) {
		t->resizing = false;
		toplevel_send_configure(t);	/* the same size, without "resizing" */
	}
	seat->resize_edges = 0;
	seat_repick(s);
}

static void pointer_moved(struct server *s)
{
	struct seat *seat = &s->seat;
	struct wl_resource *p;

	if (seat->grab && seat->resize_edges) {
		resize_motion(s);
		cursor_moved(s);
		return;
	}
	if (seat->grab) {
		struct toplevel *t = seat->grab;
		t->x = clamp_coord((int32_t)(seat->px - seat->grab_dx));
		t->y = clamp_coord((int32_t)(seat->py - seat->grab_dy));
		output_schedule_repaint(s);
		cursor_moved(s);
		return;
	}
	seat_repick(s);
	cursor_moved(s);
	if (!seat->pointer_focus)
		return;
	int32_t ox, oy;
	if (!surface_output_pos(seat->pointer_focus, &ox, &oy))
		return;
	uint32_t t = now_ms();
	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, seat->pointer_focus))
			wl_pointer_send_motion(p, t, wl_fixed_from_double(seat->px - ox),
					       wl_fixed_from_double(seat->py - oy));
	send_pointer_frame(seat, seat->pointer_focus);
}

void seat_pointer_motion_abs(struct server *s, double x, double y)
{
	struct seat *seat = &s->seat;
	double w = s->output.width, h = s->output.height;

	seat->px = x < 0 ? 0 : x >= w ? w - 1 : x;
	seat->py = y < 0 ? 0 : y >= h ? h - 1 : y;
	pointer_moved(s);
}

void seat_pointer_motion_rel(struct server *s, double dx, double dy)
{
	seat_pointer_motion_abs(s, s->seat.px + dx, s->seat.py + dy);
}

void seat_button(struct server *s, uint32_t code, bool pressed)
{
	struct seat *seat = &s->seat;
	struct wl_resource *p;
	uint32_t bit = code >= BTN_MOUSE && code < BTN_MOUSE + 32 ? 1u << (code - BTN_MOUSE) : 0;

	if (pressed)
		seat->buttons_down |= bit;
	else
		seat->buttons_down &= ~bit;

	if (!pressed && seat->grab) {
		if (!seat->buttons_down)
			end_grab(s);
		if (seat->alt_button_swallow) {
			seat->alt_button_swallow = seat->buttons_down != 0;
			return;
		}
	} else if (!pressed && seat->alt_button_swallow) {
		seat->alt_button_swallow = seat->buttons_down != 0;
		return;
	}

	if (pressed) {
		double sx, sy;
		struct frame_item it = pick(s, seat->px, seat->py, &sx, &sy);
		struct toplevel *t = it.kind == ITEM_FRAME ? it.toplevel
				     : it.kind == ITEM_SURFACE ? toplevel_of(it.surface) : NULL;
		bool on_popup = it.kind == ITEM_SURFACE && it.surface->role == ROLE_XDG_POPUP;

		/* A click outside a grabbing client's popups dismisses them. */
		if (!on_popup)
			popup_dismiss_all(s, NULL);
		if (t && !on_popup && s->seat.keyboard_focus != t->xdg->surface)
			seat_focus_toplevel(s, t);
		if (t && code == BTN_LEFT && (it.kind == ITEM_FRAME || alt_held(seat))) {
			struct gfx_rect close = layout_close_box(toplevel_frame_rect(t));
			if (it.kind == ITEM_FRAME && rect_contains(&close, seat->px, seat->py))
				toplevel_close(t);
			else if (!t->maximized && !t->fullscreen)
				seat_start_move(s, t);
			seat->alt_button_swallow = true;
			return;
		}
		if (t && code == BTN_RIGHT && alt_held(seat)) {
			seat_start_resize(s, t, 2 | 8);	/* bottom-right */
			seat->alt_button_swallow = true;
			return;
		}
		if (it.kind == ITEM_FRAME) {
			seat->alt_button_swallow = true;
			return;
		}
	}
	if (!seat->pointer_focus)
		return;
	uint32_t serial = seat_next_serial(s);
	seat->last_button_serial = serial;
	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, seat->pointer_focus))
			wl_pointer_send_button(p, serial, now_ms(), code,
					       pressed ? WL_POINTER_BUTTON_STATE_PRESSED
						       : WL_POINTER_BUTTON_STATE_RELEASED);
	send_pointer_frame(seat, seat->pointer_focus);
}

void seat_axis(struct server *s, bool horizontal, double value)
{
	struct seat *seat = &s->seat;
	struct wl_resource *p;

	if (!seat->pointer_focus)
		return;
	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, seat->pointer_focus))
			wl_pointer_send_axis(p, now_ms(),
					     horizontal ? WL_POINTER_AXIS_HORIZONTAL_SCROLL
							: WL_POINTER_AXIS_VERTICAL_SCROLL,
					     wl_fixed_from_double(value));
	send_pointer_frame(seat, seat->pointer_focus);
}

static void alt_tab(struct server *s)
{
	struct toplevel *t, *bottom = NULL;

	wl_list_for_each(t, &s->toplevels, link)
		if (t->mapped)
			bottom = t;
	if (bottom)
		seat_focus_toplevel(s, bottom);
	seat_repick(s);
}

void seat_key(struct server *s, uint32_t code, bool pressed)
{
	struct seat *seat = &s->seat;
	struct wl_resource *kb;
	uint32_t *k, *end;

	/* Keep the pressed-keys array for wl_keyboard.enter. */
	end = (uint32_t *)((char *)seat->keys.data + seat->keys.size);
	for (k = seat->keys.data; k < end; k++) {
		if (*k == code) {
			*k = end[-1];
			seat->keys.size -= sizeof(*k);
			break;
		}
	}
	if (pressed && (k = wl_array_add(&seat->keys, sizeof(*k))))
		*k = code;

	bool binding = false;
	if (code == KEY_TAB && pressed && alt_held(seat)) {
		alt_tab(s);
		seat->alt_tab_swallow = true;
		binding = true;
	} else if (code == KEY_TAB && !pressed && seat->alt_tab_swallow) {
		seat->alt_tab_swallow = false;
		binding = true;
	}

	if (seat->state)
		xkb_state_update_key(seat->state, code + 8, pressed ? XKB_KEY_DOWN : XKB_KEY_UP);

	if (!binding && seat->keyboard_focus) {
		uint32_t serial = seat_next_serial(s);
		wl_resource_for_each(kb, &seat->keyboards)
			if (same_client(kb, seat->keyboard_focus))
				wl_keyboard_send_key(kb, serial, now_ms(), code,
						     pressed ? WL_KEYBOARD_KEY_STATE_PRESSED
							     : WL_KEYBOARD_KEY_STATE_RELEASED);
	}

	if (!seat->state)
		return;
	uint32_t dep = xkb_state_serialize_mods(seat->state, XKB_STATE_MODS_DEPRESSED);
	uint32_t lat = xkb_state_serialize_mods(seat->state, XKB_STATE_MODS_LATCHED);
	uint32_t loc = xkb_state_serialize_mods(seat->state, XKB_STATE_MODS_LOCKED);
	uint32_t grp = xkb_state_serialize_layout(seat->state, XKB_STATE_LAYOUT_EFFECTIVE);
	if (dep == seat->mods_depressed && lat == seat->mods_latched &&
	    loc == seat->mods_locked && grp == seat->group)
		return;
	seat->mods_depressed = dep;
	seat->mods_latched = lat;
	seat->mods_locked = loc;
	seat->group = grp;
	if (!seat->keyboard_focus)
		return;
	uint32_t serial = seat_next_serial(s);
	wl_resource_for_each(kb, &seat->keyboards)
		if (same_client(kb, seat->keyboard_focus))
			send_modifiers(seat, kb, serial);
}

/* ---- protocol ---- */

static void unlink_resource(struct wl_resource *r)
{
	wl_list_remove(wl_resource_get_link(r));
}

static void pointer_set_cursor(struct wl_client *c, struct wl_resource *r, uint32_t serial,
			       struct wl_resource *surface_res, int32_t hx, int32_t hy)
{
	struct seat *seat = wl_resource_get_user_data(r);

	/* Only the client with pointer focus may set the cursor. */
	if (!seat->pointer_focus || !same_client(r, seat->pointer_focus))
		return;
	if (surface_res) {
		struct surface *surf = surface_from_resource(surface_res);
		if (!surface_set_role(surf, ROLE_CURSOR, NULL, r, WL_POINTER_ERROR_ROLE))
			return;
		seat->cursor_surface = surf;
		seat->cursor_hidden = false;
	} else {
		seat->cursor_surface = NULL;
		seat->cursor_hidden = true;
	}
	seat->hotspot_x = hx;
	seat->hotspot_y = hy;
	cursor_moved(seat->server);
}

static void pointer_release(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_pointer_interface pointer_impl = {
	.set_cursor = pointer_set_cursor,
	.release = pointer_release,
};

static void keyboard_release(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_keyboard_interface keyboard_impl = {
	.release = keyboard_release,
};

static void touch_release(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_touch_interface touch_impl = {
	.release = touch_release,
};

static void seat_get_pointer(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(r);
	struct wl_resource *p = wl_resource_create(c, &wl_pointer_interface,
						   wl_resource_get_version(r), id);

	if (!p) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(p, &pointer_impl, seat, unlink_resource);
	wl_list_insert(&seat->pointers, wl_resource_get_link(p));
	if (seat->pointer_focus && same_client(p, seat->pointer_focus)) {
		int32_t ox, oy;
		if (surface_output_pos(seat->pointer_focus, &ox, &oy)) {
			wl_pointer_send_enter(p, seat_next_serial(seat->server),
					      seat->pointer_focus->resource,
					      wl_fixed_from_double(seat->px - ox),
					      wl_fixed_from_double(seat->py - oy));
			if (wl_resource_get_version(p) >= WL_POINTER_FRAME_SINCE_VERSION)
				wl_pointer_send_frame(p);
		}
	}
}

static void seat_get_keyboard(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(r);
	struct wl_resource *kb = wl_resource_create(c, &wl_keyboard_interface,
						    wl_resource_get_version(r), id);

	if (!kb) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(kb, &keyboard_impl, seat, unlink_resource);
	wl_list_insert(&seat->keyboards, wl_resource_get_link(kb));
	if (seat->keymap_fd >= 0)
		wl_keyboard_send_keymap(kb, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, seat->keymap_fd,
					seat->keymap_size);
	else
		wl_keyboard_send_keymap(kb, WL_KEYBOARD_KEYMAP_FORMAT_NO_KEYMAP, -1, 0);
	if (wl_resource_get_version(kb) >= WL_KEYBOARD_REPEAT_INFO_SINCE_VERSION)
		wl_keyboard_send_repeat_info(kb, 25, 600);
	if (seat->keyboard_focus && same_client(kb, seat->keyboard_focus)) {
		uint32_t serial = seat_next_serial(seat->server);
		wl_keyboard_send_enter(kb, serial, seat->keyboard_focus->resource, &seat->keys);
		send_modifiers(seat, kb, serial);
	}
}

static void seat_get_touch(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	/* No touch capability is advertised; an inert object keeps clients happy. */
	struct wl_resource *t = wl_resource_create(c, &wl_touch_interface,
						   wl_resource_get_version(r), id);

	if (!t) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(t, &touch_impl, NULL, NULL);
}

static void seat_release(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_seat_interface seat_impl = {
	.get_pointer = seat_get_pointer,
	.get_keyboard = seat_get_keyboard,
	.get_touch = seat_get_touch,
	.release = seat_release,
};

static void seat_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct seat *seat = data;
	struct wl_resource *r = wl_resource_create(c, &wl_seat_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &seat_impl, seat, unlink_resource);
	wl_list_insert(&seat->resources, wl_resource_get_link(r));
	wl_seat_send_capabilities(r, WL_SEAT_CAPABILITY_POINTER | WL_SEAT_CAPABILITY_KEYBOARD);
	if (version >= WL_SEAT_NAME_SINCE_VERSION)
		wl_seat_send_name(r, "seat0");
}

void seat_init(struct server *s)
{
	struct seat *seat = &s->seat;

	seat->server = s;
	seat->keymap_fd = -1;
	wl_list_init(&seat->resources);
	wl_list_init(&seat->pointers);
	wl_list_init(&seat->keyboards);
	wl_list_init(&seat->data_devices);
	wl_list_init(&seat->pointer_focus_destroy.link);
	wl_list_init(&seat->keyboard_focus_destroy.link);
	wl_list_init(&seat->selection_destroy.link);
	wl_array_init(&seat->keys);
	if (keymap_setup(seat) < 0)
		log_msg("no keymap: keyboards get no_keymap");
	seat->px = s->output.width / 2;
	seat->py = s->output.height / 2;
	seat->global = wl_global_create(s->display, &wl_seat_interface, SEAT_VERSION, seat, seat_bind);
}

void seat_fini(struct server *s)
{
	struct seat *seat = &s->seat;

	wl_array_release(&seat->keys);
	if (seat->keymap_fd >= 0)
		close(seat->keymap_fd);
	xkb_state_unref(seat->state);
	xkb_keymap_unref(seat->keymap);
	xkb_context_unref(seat->xkb);
}
