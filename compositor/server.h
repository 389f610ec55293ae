/* SPDX-License-Identifier: MIT */
/*
 * server.h - gfx-compositor's shared state.
 *
 * A small Wayland compositor in the spirit of tinywl: one output (the GPU's
 * scanout), one seat, wl_shm clients. Each surface keeps a copy of its
 * buffer in VRAM; every frame the damaged part of the back buffer is
 * repainted with GPU commands and flipped at vblank.
 */
#ifndef COMPOSITOR_SERVER_H
#define COMPOSITOR_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <pixman.h>
#include <wayland-server.h>
#include <xkbcommon/xkbcommon.h>

#include "gfx.h"
#include "gfx_hw.h"
#include "layout.h"

struct server;
struct surface;

/* ---- surface.c ---- */

enum surface_role {
	ROLE_NONE,
	ROLE_XDG_TOPLEVEL,
	ROLE_XDG_POPUP,
	ROLE_SUBSURFACE,
	ROLE_CURSOR,
};

/* Double-buffered surface state (wl_surface.commit applies it). */
struct surface_state {
	bool new_buffer;		/* attach was called */
	struct wl_resource *buffer;	/* may be NULL (unmap) */
	struct wl_listener buffer_destroy;
	int32_t dx, dy;
	pixman_region32_t damage;	/* surface coordinates */
	pixman_region32_t buffer_damage;
	pixman_region32_t opaque;
	pixman_region32_t input;
	bool opaque_set, input_set;
	int32_t scale;
	struct wl_list frame_callbacks;	/* wl_resource links */
	struct wl_list feedbacks;	/* struct feedback (presentation.c) */
	/* viewport, wl_fixed; src_w < 0 means unset, dst_w < 0 unset */
	wl_fixed_t src_x, src_y, src_w, src_h;
	int32_t dst_w, dst_h;
};

struct surface {
	struct server *server;
	struct wl_resource *resource;
	struct wl_list link;		/* server.surfaces */
	struct wl_signal destroy_signal;

	struct surface_state pending, cached;
	bool has_cache;

	/* The current content: a VRAM copy of the last buffer. */
	struct gfx_bo *bo;
	uint32_t buf_w, buf_h, format;
	bool has_alpha;
	int32_t width, height;		/* surface coordinates */
	int32_t scale;
	pixman_region32_t opaque, input;
	bool input_infinite;
	wl_fixed_t src_x, src_y, src_w, src_h;
	int32_t dst_w, dst_h;
	uint64_t bo_fence;		/* last GPU use of bo */

	/*
	 * Occlusion: only the visible part of a commit is uploaded. The rest
	 * is "stale" and the buffer is held (not released) until it is
	 * uploaded, when the surface shows more of itself, or replaced.
	 */
	pixman_region32_t visible;	/* surface coordinates, last frame */
	bool visible_valid;
	pixman_region32_t stale;	/* buffer coordinates */
	struct wl_resource *held;
	struct wl_listener held_destroy;

	struct wl_list frame_callbacks;	/* committed, waiting for a repaint */
	struct wl_list feedbacks;

	enum surface_role role;
	void *role_data;		/* struct xdg_surface/subsurface */
	struct xdg_surface *xdg;	/* set by xdg_wm_base.get_xdg_surface */
	struct wl_resource *viewport;

	/* Subsurfaces (their parent_link), bottom to top, and this surface's own entry. */
	struct wl_list sub_order;
	struct wl_list self_link;

	/* Where it was drawn in the last frame (output coordinates). */
	bool was_drawn;
	struct gfx_rect drawn;
	int32_t ox, oy;			/* last known output position */
	uint64_t scene_frame;
};

void compositor_init(struct server *s);
struct surface *surface_from_resource(struct wl_resource *r);
/* Give a surface a role; posts an error on conflict and returns false. */
bool surface_set_role(struct surface *s, enum surface_role role, void *data,
		      struct wl_resource *error_res, uint32_t error_code);
/* Apply pending (or cached) state; called by wl_surface.commit. */
void surface_commit_state(struct surface *s, struct surface_state *st);
bool surface_is_mapped(struct surface *s);
void surface_damage_whole(struct surface *s);
void surface_state_init(struct surface_state *st);
void surface_state_fini(struct surface_state *st);
void surface_state_set_buffer(struct surface_state *st, struct wl_resource *buffer);
/* Move frame callbacks/feedbacks from src state to the surface. */
void surface_take_callbacks(struct surface *s, struct surface_state *st);
/* True if (x, y) in surface coordinates accepts input. */
bool surface_accepts_input(struct surface *s, int x, int y);

/* ---- subsurface.c ---- */

struct subsurface {
	struct wl_resource *resource;
	struct surface *surface, *parent;
	struct wl_listener parent_destroy, surface_destroy;
	struct wl_list parent_link;	/* parent's sub_order */
	int32_t x, y, pending_x, pending_y;
	bool synchronized;
};
void subcompositor_init(struct server *s);
bool subsurface_is_synced(struct surface *s);
/* Parent committed: apply cached state of synchronized children. */
void subsurface_parent_commit(struct surface *parent);

/* ---- xdg_shell.c ---- */

struct xdg_surface {
	struct wl_resource *resource;
	struct surface *surface;
	struct wl_listener surface_destroy;
	struct toplevel *toplevel;
	struct popup *popup;
	bool configured;		/* first ack received */
	bool initial_commit_done;
	uint32_t configure_serial;
	struct gfx_rect geometry;	/* window geometry; w == 0: whole surface */
	bool has_geometry;
	struct gfx_rect pending_geometry;
	bool pending_has_geometry;
};

struct toplevel {
	struct wl_resource *resource;
	struct xdg_surface *xdg;
	struct server *server;
	struct wl_list link;		/* server.toplevels, top first */
	bool mapped;
	int32_t x, y;			/* output position of the window geometry */
	char *title, *app_id;
	bool ssd;			/* draw a server-side title bar */
	struct wl_resource *decoration;
	bool maximized, fullscreen;
	bool resizing;
	uint32_t resize_edges;
	int32_t anchor_x, anchor_y;	/* the corner that stays put while resizing */
	int32_t pending_w, pending_h;	/* size asked in the last configure, 0: client's */
	int32_t saved_x, saved_y;
	int32_t min_w, min_h, max_w, max_h;
	struct gfx_rect last_frame;	/* decoration rect drawn last frame */
	bool frame_drawn;
	uint64_t frame_scene;		/* server scene_frame that last had the decoration */
};

struct popup {
	struct wl_resource *resource;
	struct xdg_surface *xdg;
	struct surface *parent;		/* NULL until known */
	struct wl_listener parent_destroy;
	struct wl_list link;		/* server.popups, bottom first */
	int32_t x, y;			/* relative to the parent's window geometry */
	int32_t w, h;			/* configured size */
	bool mapped;
	bool grab;
};

void xdg_shell_init(struct server *s);
/* Output position of a surface's origin; false if not placed in the scene. */
bool surface_output_pos(struct surface *s, int32_t *x, int32_t *y);
void toplevel_send_configure(struct toplevel *t);
void toplevel_set_activated(struct toplevel *t, bool on);
void toplevel_close(struct toplevel *t);
/* Window geometry of a toplevel in surface coordinates. */
struct gfx_rect toplevel_geometry(struct toplevel *t);
/* Outer rectangle (geometry + title bar) in output coordinates. */
struct gfx_rect toplevel_frame_rect(struct toplevel *t);
void popup_dismiss_all(struct server *s, struct wl_client *except);
/* wl_surface.commit hooks: protocol checks before, role state after. */
void xdg_surface_precommit_check(struct surface *s, bool *ok);
void xdg_surface_commit(struct surface *s);

/* ---- decoration.c ---- */
void decoration_init(struct server *s);
void decoration_toplevel_destroyed(struct toplevel *t);

/* ---- viewporter.c ---- */
void viewporter_init(struct server *s);
/* Check viewport state against the buffer at commit; false on protocol error. */
bool viewport_validate(struct surface *s, struct surface_state *st,
		       uint32_t buf_w, uint32_t buf_h);

/* ---- presentation.c ---- */
void presentation_init(struct server *s);
/* Send presented (or discarded) to feedbacks in the list, freeing them. */
void presentation_send(struct server *srv, struct wl_list *feedbacks, bool presented,
		       uint64_t time_ns, uint64_t seq);
void presentation_discard_list(struct wl_list *feedbacks);
void presentation_move_list(struct wl_list *dst, struct wl_list *src);

/* ---- output.c ---- */

struct frame_item;

struct output {
	struct server *server;
	struct wl_global *global;
	struct wl_list resources;
	uint32_t width, height, refresh_mhz;
	uint64_t period_ns;
	struct gfx_bo *fb[2];
	int back;			/* index of the buffer to draw next */
	bool fb_painted[2];
	pixman_region32_t damage;	/* accumulated for the next frame */
	pixman_region32_t prev_damage;	/* damage of the previous frame */
	bool repaint_needed;
	bool repaint_scheduled;
	bool flip_pending;
	bool idle_frame_pending;	/* no flip; a timer stands in for vblank */
	uint64_t frame_no;
	uint64_t last_vblank_seq, last_vblank_ns;
	int64_t repaint_window_ns;
	int timer_fd;
	struct wl_event_source *timer_source;
	int vblank_timer_fd;
	struct wl_event_source *vblank_timer_source;
	/* Callbacks and feedbacks of the frame in flight. */
	struct wl_list frame_callbacks;
	struct wl_list feedbacks;
	uint64_t frame_fence;
	/* statistics */
	uint64_t frames, missed;
	uint64_t target_seq;		/* the vblank the frame in flight aims at */
	uint64_t late;			/* flips latched after their target vblank */
	unsigned lost_irq_logged;
	uint64_t repaint_ns, submit_ns, aim_vblank_ns;	/* of the frame in flight */
};

int output_init(struct server *s);
void output_fini(struct server *s);
void output_damage_rect(struct server *s, int32_t x, int32_t y, int32_t w, int32_t h);
void output_damage_region(struct server *s, pixman_region32_t *r, int32_t dx, int32_t dy);
void output_damage_whole(struct server *s);
void output_schedule_repaint(struct server *s);
void output_send_enter(struct server *s, struct surface *surf);
/* Handle the device's pending events now (main.c); false if it is gone. */
bool server_dispatch_gfx(struct server *s);
/* The device latched a flip (GFX_EVENT_FLIP_DONE). */
void output_flip_done(struct server *s, uint64_t seq, uint64_t time_ns, uint64_t user_data);

/* ---- render.c ---- */

enum item_kind { ITEM_SURFACE, ITEM_FRAME, ITEM_CURSOR };
struct frame_item {
	enum item_kind kind;
	struct surface *surface;
	struct toplevel *toplevel;	/* ITEM_FRAME, and the owner of ITEM_SURFACE */
	struct gfx_rect rect;		/* output coordinates */
};

struct scene {
	struct frame_item *items;
	pixman_region32_t *vis;		/* per item: not covered by opaque items above */
	pixman_region32_t covered;	/* what opaque items cover (valid with vis) */
	size_t n, cap;
};

/* Fill sc->vis, sc->covered and each surface's visible region. */
void scene_compute_visibility(struct server *s, struct scene *sc);
/* Upload the stale parts of surfaces that became visible; damages them. */
void surface_upload_newly_visible(struct surface *s);

/* Build the draw list bottom to top (windows, popups; not the cursor). */
void scene_build(struct server *s, struct scene *sc);
void scene_fini(struct scene *sc);
/* Draw region `damage` of the frame into fb; returns 0 or -errno. */
int render_frame(struct server *s, struct gfx_bo *fb, struct scene *sc,
		 pixman_region32_t *damage);

/* ---- cursor.c ---- */
int cursor_init(struct server *s);
void cursor_fini(struct server *s);
/* Rectangle the cursor covers now (w == 0 when hidden). */
struct gfx_rect cursor_rect(struct server *s);
void cursor_moved(struct server *s);
int cursor_draw(struct server *s);

/* ---- seat.c ---- */

struct seat {
	struct server *server;
	struct wl_global *global;
	struct wl_list resources, pointers, keyboards;
	struct xkb_context *xkb;
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	int keymap_fd;
	uint32_t keymap_size;
	uint32_t mods_depressed, mods_latched, mods_locked, group;
	struct wl_array keys;		/* pressed keys (uint32 evdev codes) */
	double px, py;			/* pointer, output coordinates */
	struct surface *pointer_focus;
	struct wl_listener pointer_focus_destroy;
	struct surface *keyboard_focus;
	struct wl_listener keyboard_focus_destroy;
	struct surface *cursor_surface;	/* client cursor, NULL: ours */
	struct wl_listener cursor_destroy;
	struct wl_client *cursor_client;
	int32_t hotspot_x, hotspot_y;
	bool cursor_hidden;
	/* move or resize grab */
	struct toplevel *grab;
	double grab_dx, grab_dy;
	uint32_t resize_edges;		/* 0: move; else XDG_TOPLEVEL_RESIZE_EDGE_* */
	double grab_px, grab_py;	/* pointer at the start */
	int32_t grab_w, grab_h;		/* window geometry at the start */
	uint32_t grab_button;
	uint32_t buttons_down;
	uint32_t last_button_serial;
	bool alt_tab_swallow;		/* Tab release after Alt+Tab */
	bool alt_button_swallow;
	struct wl_list data_devices;	/* data_device.c */
	struct wl_resource *selection;	/* wl_data_source */
	struct wl_listener selection_destroy;
};

void seat_init(struct server *s);
void seat_fini(struct server *s);
/* Input entry points, from input_evdev.c and the device's input FIFO. */
void seat_key(struct server *s, uint32_t code, bool pressed);
void seat_pointer_motion_abs(struct server *s, double x, double y);
void seat_pointer_motion_rel(struct server *s, double dx, double dy);
void seat_button(struct server *s, uint32_t code, bool pressed);
void seat_axis(struct server *s, bool horizontal, double value);
void seat_focus_toplevel(struct server *s, struct toplevel *t);
/* Keyboard focus to a grabbing popup, or back from it to its toplevel. */
void seat_focus_popup(struct server *s, struct surface *popup);
void seat_popup_gone(struct server *s, struct surface *popup, struct surface *parent);
void seat_surface_gone(struct server *s, struct surface *surf);
/* Re-evaluate which surface is under the pointer (after a scene change). */
void seat_repick(struct server *s);
void seat_start_move(struct server *s, struct toplevel *t);
/* edges: xdg_toplevel resize edges (bit 1 top, 2 bottom, 4 left, 8 right). */
void seat_start_resize(struct server *s, struct toplevel *t, uint32_t edges);
uint32_t seat_next_serial(struct server *s);

/* ---- data_device.c ---- */
void data_device_init(struct server *s);
/* Keyboard focus moved to client: send it the current selection. */
void data_device_focus(struct server *s, struct wl_client *client);

/* ---- input_evdev.c ---- */
struct input_evdev;
struct input_evdev *input_evdev_init(struct server *s, const char *dir);
void input_evdev_fini(struct input_evdev *in);
/* Feed one evdev event (used for the device FIFO too). */
struct evdev_accum {
	bool abs_moved, rel_moved;
	double abs_x, abs_y, rel_x, rel_y;
	int abs_min_x, abs_max_x, abs_min_y, abs_max_y;	/* 0/0: pixels */
};
void evdev_feed(struct server *s, struct evdev_accum *acc, uint16_t type,
		uint16_t code, int32_t value);

/* ---- server ---- */

struct server {
	struct wl_display *display;
	struct wl_event_loop *loop;
	struct gfx_device *gfx;
	struct gfx_info info;
	struct wl_event_source *gfx_source;
	struct output output;
	struct seat seat;
	struct input_evdev *evdev;
	struct evdev_accum fifo_input;
	struct wl_list surfaces;
	struct wl_list toplevels;	/* top first */
	struct wl_list popups;		/* bottom first */
	uint64_t scene_frame;
	int next_place;
	/* cursor.c */
	struct gfx_bo *cursor_bo;
	int32_t cursor_hot_x, cursor_hot_y;
	struct gfx_rect cursor_drawn;
	bool cursor_was_drawn;
	bool quitting;
	int exit_code;
	bool verbose;
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#include <stddef.h>

static inline bool rect_contains(const struct gfx_rect *r, double x, double y)
{
	return x >= r->x && y >= r->y && x < r->x + (int32_t)r->w && y < r->y + (int32_t)r->h;
}

/*
 * Client coordinates and sizes are clamped where they enter, so that no sum
 * of them can overflow (a client must never make us hit undefined behaviour).
 */
#define MAX_NESTING	32	/* subsurfaces in subsurfaces, popups on popups */
#define COORD_MAX	(1 << 20)
#define SIZE_MAX_PX	(1 << 14)	/* largest surface or buffer side */
static inline int32_t clamp_coord(int32_t v)
{
	return v < -COORD_MAX ? -COORD_MAX : v > COORD_MAX ? COORD_MAX : v;
}
static inline int32_t clamp_size(int32_t v)
{
	return v < 0 ? 0 : v > SIZE_MAX_PX ? SIZE_MAX_PX : v;
}

uint64_t now_ns(void);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(struct server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* COMPOSITOR_SERVER_H */
