/* SPDX-License-Identifier: MIT */
/*
 * seat.c - wl_seat (seat.h): the clients' pointer, keyboard and touch
 * objects, the keymap and the focus. Which window gets the focus when
 * windows and popups map and unmap is the window manager's (wm.c).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core.h"
#include "cursor.h"
#include "data_device.h"
#include "output.h"
#include "repaint.h"
#include "scene.h"
#include "seat.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"

/* Key repeat the clients do themselves: 25 per second after 600 ms. */
#define REPEAT_RATE	25
#define REPEAT_DELAY_MS	600

static uint32_t next_serial(struct seat *seat)
{
	return wl_display_next_serial(seat->server->display);
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

bool seat_alt_held(struct server *s)
{
	struct seat *seat = &s->seat;

	return seat->state &&
	       xkb_state_mod_name_is_active(seat->state, XKB_MOD_NAME_ALT, XKB_STATE_MODS_EFFECTIVE) > 0;
}

/* ---- keyboard focus ---- */

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

static void send_keyboard_enter(struct seat *seat, struct wl_resource *kb)
{
	uint32_t serial = next_serial(seat);

	wl_keyboard_send_enter(kb, serial, seat->keyboard_focus->resource, &seat->keys);
	send_modifiers(seat, kb, serial);
}

void seat_set_keyboard_focus(struct seat *seat, struct surface *surf)
{
	struct wl_resource *kb;
	uint32_t serial;

	if (seat->keyboard_focus == surf)
		return;
	if (seat->keyboard_focus) {
		serial = next_serial(seat);
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
	wl_resource_for_each(kb, &seat->keyboards)
		if (same_client(kb, surf))
			send_keyboard_enter(seat, kb);
	data_device_focus(seat->server, wl_resource_get_client(surf->resource));
}

/* ---- the shell's commits ---- */

static void on_surface_commit(struct wl_listener *l, void *data)
{
	struct seat *seat = container_of(l, struct seat, surface_commit);

	seat_repick(seat->server);
}

/* ---- pointer focus ---- */

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

static void pointer_leave(struct seat *seat)
{
	struct surface *old = seat->pointer_focus;
	uint32_t serial = next_serial(seat);
	struct wl_resource *p;

	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, old))
			wl_pointer_send_leave(p, serial, old->resource);
	send_pointer_frame(seat, old);
	wl_list_remove(&seat->pointer_focus_destroy.link);
	wl_list_init(&seat->pointer_focus_destroy.link);
}

static void send_motion(struct seat *seat, double sx, double sy)
{
	struct wl_resource *p;
	uint32_t t = now_ms();

	seat->focus_sx = sx;
	seat->focus_sy = sy;
	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, seat->pointer_focus))
			wl_pointer_send_motion(p, t, wl_fixed_from_double(sx), wl_fixed_from_double(sy));
	send_pointer_frame(seat, seat->pointer_focus);
}

static void set_pointer_focus(struct seat *seat, struct surface *surf, double sx, double sy)
{
	struct wl_resource *p;
	uint32_t serial;

	if (seat->pointer_focus == surf) {
		if (surf && (sx != seat->focus_sx || sy != seat->focus_sy))
			send_motion(seat, sx, sy);	/* it moved under the pointer */
		return;
	}
	if (seat->pointer_focus)
		pointer_leave(seat);
	seat->pointer_focus = surf;
	/* Back to our own cursor until the new client sets one. */
	cursor_reset(seat->server);
	if (!surf)
		return;
	seat->pointer_focus_destroy.notify = pointer_focus_destroyed;
	wl_signal_add(&surf->destroy_signal, &seat->pointer_focus_destroy);
	seat->focus_sx = sx;
	seat->focus_sy = sy;
	serial = next_serial(seat);
	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, surf))
			wl_pointer_send_enter(p, serial, surf->resource, wl_fixed_from_double(sx),
					      wl_fixed_from_double(sy));
	send_pointer_frame(seat, surf);
}

void seat_pointer_unfocus(struct server *s)
{
	set_pointer_focus(&s->seat, NULL, 0, 0);
}

/* A button is held on the focus: it keeps the pointer, wherever it goes. */
static void held_motion(struct seat *seat)
{
	int32_t ox, oy;

	if (surface_output_pos(seat->pointer_focus, &ox, &oy))
		set_pointer_focus(seat, seat->pointer_focus, seat->px - ox, seat->py - oy);
}

void seat_pointer_hold(struct server *s, bool on)
{
	s->seat.pointer_held = on && s->seat.pointer_focus;
	if (!on)
		seat_repick(s);
}

void seat_repick(struct server *s)
{
	struct seat *seat = &s->seat;
	double sx = 0, sy = 0;

	if (s->input.grab)
		return;
	if (seat->pointer_held && seat->pointer_focus) {
		held_motion(seat);
		return;
	}
	struct frame_item it = scene_pick(s, seat->px, seat->py, &sx, &sy);
	set_pointer_focus(seat, it.kind == ITEM_SURFACE ? it.surface : NULL, sx, sy);
}

/* ---- events to the focused client ---- */

static void update_keys(struct seat *seat, uint32_t code, bool pressed)
{
	uint32_t *k, *end = (uint32_t *)((char *)seat->keys.data + seat->keys.size);

	for (k = seat->keys.data; k < end; k++) {
		if (*k == code) {
			*k = end[-1];
			seat->keys.size -= sizeof(*k);
			break;
		}
	}
	if (pressed && (k = wl_array_add(&seat->keys, sizeof(*k))))
		*k = code;
}

/* New modifiers from the xkb state go to the focus; false if they did not change. */
static bool update_modifiers(struct seat *seat)
{
	struct wl_resource *kb;
	uint32_t dep = xkb_state_serialize_mods(seat->state, XKB_STATE_MODS_DEPRESSED);
	uint32_t lat = xkb_state_serialize_mods(seat->state, XKB_STATE_MODS_LATCHED);
	uint32_t loc = xkb_state_serialize_mods(seat->state, XKB_STATE_MODS_LOCKED);
	uint32_t grp = xkb_state_serialize_layout(seat->state, XKB_STATE_LAYOUT_EFFECTIVE);

	if (dep == seat->mods_depressed && lat == seat->mods_latched &&
	    loc == seat->mods_locked && grp == seat->group)
		return false;
	seat->mods_depressed = dep;
	seat->mods_latched = lat;
	seat->mods_locked = loc;
	seat->group = grp;
	if (!seat->keyboard_focus)
		return true;
	uint32_t serial = next_serial(seat);
	wl_resource_for_each(kb, &seat->keyboards)
		if (same_client(kb, seat->keyboard_focus))
			send_modifiers(seat, kb, serial);
	return true;
}

void seat_key(struct server *s, uint32_t code, bool pressed, bool forward)
{
	struct seat *seat = &s->seat;
	struct wl_resource *kb;

	update_keys(seat, code, pressed);	/* for wl_keyboard.enter */
	if (seat->state)
		xkb_state_update_key(seat->state, code + 8, pressed ? XKB_KEY_DOWN : XKB_KEY_UP);
	if (forward && seat->keyboard_focus) {
		uint32_t serial = next_serial(seat);
		wl_resource_for_each(kb, &seat->keyboards)
			if (same_client(kb, seat->keyboard_focus))
				wl_keyboard_send_key(kb, serial, now_ms(), code,
						     pressed ? WL_KEYBOARD_KEY_STATE_PRESSED
							     : WL_KEYBOARD_KEY_STATE_RELEASED);
	}
	if (seat->state)
		update_modifiers(seat);
}

void seat_send_button(struct server *s, uint32_t code, bool pressed)
{
	struct seat *seat = &s->seat;
	struct wl_resource *p;
	uint32_t serial;

	if (!seat->pointer_focus)
		return;
	serial = next_serial(seat);
	wl_resource_for_each(p, &seat->pointers)
		if (same_client(p, seat->pointer_focus))
			wl_pointer_send_button(p, serial, now_ms(), code,
					       pressed ? WL_POINTER_BUTTON_STATE_PRESSED
						       : WL_POINTER_BUTTON_STATE_RELEASED);
	send_pointer_frame(seat, seat->pointer_focus);
}

void seat_send_axis(struct server *s, bool horizontal, double value)
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

/* ---- touch ---- */

static struct touch_point *touch_point(struct seat *seat, int32_t id)
{
	for (int i = 0; i < MAX_TOUCH_POINTS; i++)
		if (seat->touch[i].id == id)
			return &seat->touch[i];
	return NULL;
}

static void touch_point_release(struct touch_point *tp)
{
	tp->id = -1;
	tp->surface = NULL;
	wl_list_remove(&tp->surface_destroy.link);
	wl_list_init(&tp->surface_destroy.link);
}

static void send_touch_frame(struct seat *seat, struct surface *surf)
{
	struct wl_resource *t;

	wl_resource_for_each(t, &seat->touches)
		if (same_client(t, surf))
			wl_touch_send_frame(t);
}

static void send_touch_up(struct seat *seat, struct surface *surf, int32_t id)
{
	uint32_t serial = next_serial(seat);
	struct wl_resource *t;

	wl_resource_for_each(t, &seat->touches)
		if (same_client(t, surf))
			wl_touch_send_up(t, serial, now_ms(), id);
	send_touch_frame(seat, surf);
}

/* The touched surface goes: the client hears the point went up; the finger's
 * later events go nowhere. */
static void touch_surface_destroyed(struct wl_listener *l, void *data)
{
	struct touch_point *tp = container_of(l, struct touch_point, surface_destroy);
	struct seat *seat = &tp->surface->server->seat;

	wl_list_remove(&l->link);
	wl_list_init(&l->link);
	send_touch_up(seat, tp->surface, tp->id);
	tp->surface = NULL;
}

void seat_touch_down(struct server *s, int32_t id, struct surface *surf, double sx, double sy)
{
	struct seat *seat = &s->seat;
	struct touch_point *tp;
	struct wl_resource *t;
	uint32_t serial;

	if (touch_point(seat, id) || !(tp = touch_point(seat, -1)))
		return;	/* already down, or too many fingers */
	tp->id = id;
	tp->surface = surf;
	if (!surf)
		return;
	tp->surface_destroy.notify = touch_surface_destroyed;
	wl_signal_add(&surf->destroy_signal, &tp->surface_destroy);
	serial = next_serial(seat);
	wl_resource_for_each(t, &seat->touches)
		if (same_client(t, surf))
			wl_touch_send_down(t, serial, now_ms(), surf->resource, id,
					   wl_fixed_from_double(sx), wl_fixed_from_double(sy));
	send_touch_frame(seat, surf);
}

void seat_touch_motion(struct server *s, int32_t id, double x, double y)
{
	struct touch_point *tp = touch_point(&s->seat, id);
	struct wl_resource *t;
	int32_t ox, oy;

	if (!tp || !tp->surface || !surface_output_pos(tp->surface, &ox, &oy))
		return;
	wl_resource_for_each(t, &s->seat.touches)
		if (same_client(t, tp->surface))
			wl_touch_send_motion(t, now_ms(), id, wl_fixed_from_double(x - ox),
					     wl_fixed_from_double(y - oy));
	send_touch_frame(&s->seat, tp->surface);
}

void seat_touch_up(struct server *s, int32_t id)
{
	struct touch_point *tp = touch_point(&s->seat, id);
	struct surface *surf;

	if (!tp)
		return;
	surf = tp->surface;
	touch_point_release(tp);
	if (surf)
		send_touch_up(&s->seat, surf, id);
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
	cursor_set_client(seat->server, surface_res ? surface_from_resource(surface_res) : NULL,
			  hx, hy, r, WL_POINTER_ERROR_ROLE);
}

static void resource_release(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_pointer_interface pointer_impl = {
	.set_cursor = pointer_set_cursor,
	.release = resource_release,
};

static const struct wl_keyboard_interface keyboard_impl = {
	.release = resource_release,
};

static const struct wl_touch_interface touch_impl = {
	.release = resource_release,
};

/* A new wl_pointer of the focused client learns where the pointer is. */
static void pointer_created(struct seat *seat, struct wl_resource *p)
{
	int32_t ox, oy;

	if (!seat->pointer_focus || !same_client(p, seat->pointer_focus) ||
	    !surface_output_pos(seat->pointer_focus, &ox, &oy))
		return;
	wl_pointer_send_enter(p, next_serial(seat), seat->pointer_focus->resource,
			      wl_fixed_from_double(seat->px - ox), wl_fixed_from_double(seat->py - oy));
	if (wl_resource_get_version(p) >= WL_POINTER_FRAME_SINCE_VERSION)
		wl_pointer_send_frame(p);
}

static void keyboard_created(struct seat *seat, struct wl_resource *kb)
{
	if (seat->keymap_fd >= 0)
		wl_keyboard_send_keymap(kb, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, seat->keymap_fd,
					seat->keymap_size);
	else
		wl_keyboard_send_keymap(kb, WL_KEYBOARD_KEYMAP_FORMAT_NO_KEYMAP, -1, 0);
	if (wl_resource_get_version(kb) >= WL_KEYBOARD_REPEAT_INFO_SINCE_VERSION)
		wl_keyboard_send_repeat_info(kb, REPEAT_RATE, REPEAT_DELAY_MS);
	if (seat->keyboard_focus && same_client(kb, seat->keyboard_focus))
		send_keyboard_enter(seat, kb);
}

static struct wl_resource *device_create(struct wl_client *c, struct wl_resource *seat_res,
					 const struct wl_interface *iface, const void *impl,
					 uint32_t id, struct wl_list *list)
{
	struct wl_resource *r = wl_resource_create(c, iface, wl_resource_get_version(seat_res), id);

	if (!r) {
		wl_client_post_no_memory(c);
		return NULL;
	}
	wl_resource_set_implementation(r, impl, wl_resource_get_user_data(seat_res), unlink_resource);
	wl_list_insert(list, wl_resource_get_link(r));
	return r;
}

static void seat_get_pointer(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(r);
	struct wl_resource *p = device_create(c, r, &wl_pointer_interface, &pointer_impl, id,
					      &seat->pointers);

	if (p)
		pointer_created(seat, p);
}

static void seat_get_keyboard(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(r);
	struct wl_resource *kb = device_create(c, r, &wl_keyboard_interface, &keyboard_impl, id,
					       &seat->keyboards);

	if (kb)
		keyboard_created(seat, kb);
}

static void seat_get_touch(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct seat *seat = wl_resource_get_user_data(r);

	device_create(c, r, &wl_touch_interface, &touch_impl, id, &seat->touches);
}

static const struct wl_seat_interface seat_impl = {
	.get_pointer = seat_get_pointer,
	.get_keyboard = seat_get_keyboard,
	.get_touch = seat_get_touch,
	.release = resource_release,
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
	wl_seat_send_capabilities(r, WL_SEAT_CAPABILITY_POINTER | WL_SEAT_CAPABILITY_KEYBOARD |
				     WL_SEAT_CAPABILITY_TOUCH);
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
	wl_list_init(&seat->touches);
	wl_list_init(&seat->pointer_focus_destroy.link);
	wl_list_init(&seat->keyboard_focus_destroy.link);
	for (int i = 0; i < MAX_TOUCH_POINTS; i++) {
		seat->touch[i].id = -1;
		wl_list_init(&seat->touch[i].surface_destroy.link);
	}
	wl_array_init(&seat->keys);
	if (keymap_setup(seat) < 0)
		log_msg("no keymap: keyboards get no_keymap");
	seat->px = s->output.width / 2;
	seat->py = s->output.height / 2;
	cursor_move_to(s, (int32_t)seat->px, (int32_t)seat->py);
	seat->surface_commit.notify = on_surface_commit;
	wl_signal_add(&s->events.surface_commit, &seat->surface_commit);
	seat->global = wl_global_create(s->display, &wl_seat_interface, SEAT_VERSION, seat, seat_bind);
}

void seat_fini(struct server *s)
{
	struct seat *seat = &s->seat;

	wl_list_remove(&seat->surface_commit.link);
	wl_array_release(&seat->keys);
	if (seat->keymap_fd >= 0)
		close(seat->keymap_fd);
	xkb_state_unref(seat->state);
	xkb_keymap_unref(seat->keymap);
	xkb_context_unref(seat->xkb);
}
