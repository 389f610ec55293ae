/* SPDX-License-Identifier: MIT */
/*
 * compositor_test_client - a scriptable Wayland client for the compositor
 * tests: solid windows (translucent or not), subsurfaces, popups, partial
 * damage, input and presentation reports, and abuse of the protocol.
 *
 *   --size WxH --color AARRGGBB      toplevel filled with a colour (straight alpha)
 *   --ssd                            ask for server-side decorations
 *   --sub X,Y,WxH,AARRGGBB           a subsurface of the toplevel
 *   --popup X,Y,WxH,AARRGGBB         a popup anchored at X,Y of the toplevel
 *   --damage X,Y,WxH,AARRGGBB        on SIGUSR1: paint that rectangle, damage only it
 *   --no-wait                        --damage commits without waiting for the frame callback
 *   --input                          print keyboard/pointer events
 *   --feedback N                     animate N frames with presentation feedback
 *   --viewport WxH                   scale the toplevel to WxH with wp_viewport
 *   --copy TEXT                      offer TEXT as the selection on keyboard focus
 *   --paste                          print "pasted TEXT" for each selection offered
 *   --offset DX,DY                   on SIGUSR2: commit the window's buffer again, attached at
 *                                    offset DX,DY (the window moves by it); print "offset"
 *   --cursor HX,HY,WxH,AARRGGBB      on pointer enter: a cursor surface of that size and colour
 *                                    with hotspot HX,HY; print "cursor-set"
 *   --offset-cursor                  --offset's commit goes to the cursor surface instead
 *   --abuse MODE                     garbage | bad-object | outside-pool | sigbus |
 *                                    half-message | bad-role | many-surfaces |
 *                                    huge-coords | deep-subsurfaces | deep-popups |
 *                                    short-stride
 * Prints "ready" once its windows are committed and a frame callback came back.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "presentation-time-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "xdg-decoration-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

struct spec {
	int x, y, w, h;
	uint32_t argb;
	bool set;
};

static struct wl_display *dpy;
static struct wl_compositor *compositor;
static struct wl_subcompositor *subcompositor;
static struct wl_shm *shm;
static struct xdg_wm_base *wm;
static struct wl_seat *seat;
static struct wp_presentation *presentation;
static struct zxdg_decoration_manager_v1 *deco_mgr;
static struct wp_viewporter *viewporter;
static struct wl_data_device_manager *ddm;
static const char *copy_text;
static bool paste;
static struct wl_surface *surface, *popup_surface;
static struct xdg_surface *xsurf;
static bool configured, frame_seen, input;
static volatile sig_atomic_t damage_requested, offset_requested;
static struct spec cursor_spec;
static struct wl_surface *cursor_surface;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static bool parse_spec(const char *s, struct spec *sp, bool with_pos)
{
	int n;

	if (with_pos)
		n = sscanf(s, "%d,%d,%dx%d,%x", &sp->x, &sp->y, &sp->w, &sp->h, &sp->argb) == 5;
	else
		n = sscanf(s, "%x", &sp->argb) == 1;
	sp->set = n;
	return n;
}

static uint32_t premul(uint32_t argb)
{
	uint32_t a = argb >> 24;
	uint32_t r = ((argb >> 16) & 0xff) * a / 255, g = ((argb >> 8) & 0xff) * a / 255,
		 b = (argb & 0xff) * a / 255;
	return a << 24 | r << 16 | g << 8 | b;
}

/* A buffer of one colour; ARGB8888 when translucent. */
static struct wl_buffer *solid_buffer(int w, int h, uint32_t argb, uint32_t **pixels)
{
	size_t stride = (size_t)w * 4, size = stride * h;
	int fd = memfd_create("test-client", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, size) < 0)
		exit(1);
	uint32_t *px = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (px == MAP_FAILED)
		exit(1);
	for (size_t i = 0; i < (size_t)w * h; i++)
		px[i] = premul(argb);
	struct wl_shm_pool *pool = wl_shm_create_pool(shm, fd, size);
	struct wl_buffer *b = wl_shm_pool_create_buffer(pool, 0, w, h, stride,
		(argb >> 24) == 0xff ? WL_SHM_FORMAT_XRGB8888 : WL_SHM_FORMAT_ARGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	if (pixels)
		*pixels = px;
	return b;
}

/* ---- listeners ---- */

static void wm_ping(void *d, struct xdg_wm_base *w, uint32_t serial)
{
	xdg_wm_base_pong(w, serial);
}
static const struct xdg_wm_base_listener wm_listener = { wm_ping };

static void xs_configure(void *d, struct xdg_surface *x, uint32_t serial)
{
	xdg_surface_ack_configure(x, serial);
	*(bool *)d = true;
}
static const struct xdg_surface_listener xs_listener = { xs_configure };

static void tl_configure(void *d, struct xdg_toplevel *t, int32_t w, int32_t h, struct wl_array *s) {}
static void tl_close(void *d, struct xdg_toplevel *t) { printf("close\n"); }
static void tl_bounds(void *d, struct xdg_toplevel *t, int32_t w, int32_t h) {}
static const struct xdg_toplevel_listener tl_listener = { tl_configure, tl_close, tl_bounds, NULL };

static void popup_configure(void *d, struct xdg_popup *p, int32_t x, int32_t y, int32_t w, int32_t h)
{
	printf("popup-configure %d %d %d %d\n", x, y, w, h);
}
static void popup_done(void *d, struct xdg_popup *p) { printf("popup-done\n"); }
static void popup_repositioned(void *d, struct xdg_popup *p, uint32_t token) {}
static const struct xdg_popup_listener popup_listener = { popup_configure, popup_done,
							  popup_repositioned };

static void frame_done(void *d, struct wl_callback *cb, uint32_t t)
{
	wl_callback_destroy(cb);
	frame_seen = true;
}
static const struct wl_callback_listener frame_listener = { frame_done };

/* ---- clipboard ---- */

static void source_target(void *d, struct wl_data_source *s, const char *mime) {}
static void source_send(void *d, struct wl_data_source *s, const char *mime, int32_t fd)
{
	(void)!write(fd, copy_text, strlen(copy_text));
	close(fd);
}
static void source_cancelled(void *d, struct wl_data_source *s)
{
	printf("copy-cancelled\n");
	wl_data_source_destroy(s);
}
static void source_dnd_drop(void *d, struct wl_data_source *s) {}
static void source_dnd_finished(void *d, struct wl_data_source *s) {}
static void source_action(void *d, struct wl_data_source *s, uint32_t a) {}
static const struct wl_data_source_listener source_listener = {
	source_target, source_send, source_cancelled, source_dnd_drop, source_dnd_finished,
	source_action,
};

static struct wl_data_device *data_device;
static bool offer_has_text;

static void offer_offer(void *d, struct wl_data_offer *o, const char *mime)
{
	if (!strcmp(mime, "text/plain;charset=utf-8"))
		offer_has_text = true;
}
static void offer_source_actions(void *d, struct wl_data_offer *o, uint32_t a) {}
static void offer_action(void *d, struct wl_data_offer *o, uint32_t a) {}
static const struct wl_data_offer_listener offer_listener = { offer_offer, offer_source_actions,
							       offer_action };

static void dd_data_offer(void *d, struct wl_data_device *dd, struct wl_data_offer *o)
{
	offer_has_text = false;
	wl_data_offer_add_listener(o, &offer_listener, NULL);
}
static void dd_enter(void *d, struct wl_data_device *dd, uint32_t serial, struct wl_surface *s,
		     wl_fixed_t x, wl_fixed_t y, struct wl_data_offer *o) {}
static void dd_leave(void *d, struct wl_data_device *dd) {}
static void dd_motion(void *d, struct wl_data_device *dd, uint32_t t, wl_fixed_t x, wl_fixed_t y) {}
static void dd_drop(void *d, struct wl_data_device *dd) {}
static void dd_selection(void *d, struct wl_data_device *dd, struct wl_data_offer *o)
{
	int p[2];
	char buf[256];
	ssize_t n, len = 0;

	if (!o || !paste || !offer_has_text)
		return;
	if (pipe(p) < 0)
		return;
	wl_data_offer_receive(o, "text/plain;charset=utf-8", p[1]);
	close(p[1]);
	wl_display_flush(dpy);
	while (len < (ssize_t)sizeof(buf) - 1 && (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(p[0]);
	buf[len] = 0;
	printf("pasted %s\n", buf);
	wl_data_offer_destroy(o);
}
static const struct wl_data_device_listener dd_listener = { dd_data_offer, dd_enter, dd_leave,
							    dd_motion, dd_drop, dd_selection };

static void kb_keymap(void *d, struct wl_keyboard *k, uint32_t fmt, int32_t fd, uint32_t size)
{
	printf("keymap %u %u\n", fmt, size);
	close(fd);
}
static void kb_enter(void *d, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s,
		     struct wl_array *keys)
{
	printf(s && s == popup_surface ? "key-enter popup\n" : "key-enter\n");
	if (copy_text && ddm && data_device) {
		struct wl_data_source *src = wl_data_device_manager_create_data_source(ddm);
		wl_data_source_add_listener(src, &source_listener, NULL);
		wl_data_source_offer(src, "text/plain;charset=utf-8");
		wl_data_device_set_selection(data_device, src, serial);
		printf("copied\n");
	}
}
static void kb_leave(void *d, struct wl_keyboard *k, uint32_t serial, struct wl_surface *s)
{
	printf("key-leave\n");
}
static void kb_key(void *d, struct wl_keyboard *k, uint32_t serial, uint32_t t, uint32_t key,
		   uint32_t state)
{
	printf("key %u %u\n", key, state);
}
static void kb_mods(void *d, struct wl_keyboard *k, uint32_t serial, uint32_t dep, uint32_t lat,
		    uint32_t lock, uint32_t group)
{
	printf("mods %u\n", dep);
}
static void kb_repeat(void *d, struct wl_keyboard *k, int32_t rate, int32_t delay)
{
	printf("repeat %d %d\n", rate, delay);
}
static const struct wl_keyboard_listener kb_listener = { kb_keymap, kb_enter, kb_leave, kb_key,
							 kb_mods, kb_repeat };

static struct wl_buffer *solid_buffer(int w, int h, uint32_t argb, uint32_t **pixels);

static void p_enter(void *d, struct wl_pointer *p, uint32_t serial, struct wl_surface *s,
		    wl_fixed_t x, wl_fixed_t y)
{
	printf("pointer-enter %d %d\n", wl_fixed_to_int(x), wl_fixed_to_int(y));
	if (!cursor_spec.set)
		return;
	if (!cursor_surface) {
		cursor_surface = wl_compositor_create_surface(compositor);
		wl_surface_attach(cursor_surface, solid_buffer(cursor_spec.w, cursor_spec.h,
							       cursor_spec.argb, NULL), 0, 0);
		wl_surface_damage(cursor_surface, 0, 0, cursor_spec.w, cursor_spec.h);
		wl_surface_commit(cursor_surface);
	}
	wl_pointer_set_cursor(p, serial, cursor_surface, cursor_spec.x, cursor_spec.y);
	printf("cursor-set\n");
}
static void p_leave(void *d, struct wl_pointer *p, uint32_t serial, struct wl_surface *s)
{
	printf("pointer-leave\n");
}
static void p_motion(void *d, struct wl_pointer *p, uint32_t t, wl_fixed_t x, wl_fixed_t y)
{
	printf("motion %d %d\n", wl_fixed_to_int(x), wl_fixed_to_int(y));
}
static void p_button(void *d, struct wl_pointer *p, uint32_t serial, uint32_t t, uint32_t b,
		     uint32_t state)
{
	printf("button %u %u\n", b, state);
}
static void p_axis(void *d, struct wl_pointer *p, uint32_t t, uint32_t a, wl_fixed_t v) {}
static void p_frame(void *d, struct wl_pointer *p) {}
static void p_axis_source(void *d, struct wl_pointer *p, uint32_t s) {}
static void p_axis_stop(void *d, struct wl_pointer *p, uint32_t t, uint32_t a) {}
static void p_axis_discrete(void *d, struct wl_pointer *p, uint32_t a, int32_t v) {}
static const struct wl_pointer_listener p_listener = { p_enter, p_leave, p_motion, p_button,
						       p_axis, p_frame, p_axis_source,
						       p_axis_stop, p_axis_discrete };

static void seat_caps(void *d, struct wl_seat *s, uint32_t caps)
{
	static bool done;

	if (!input || done)
		return;
	done = true;
	if (caps & WL_SEAT_CAPABILITY_KEYBOARD)
		wl_keyboard_add_listener(wl_seat_get_keyboard(s), &kb_listener, NULL);
	if (caps & WL_SEAT_CAPABILITY_POINTER)
		wl_pointer_add_listener(wl_seat_get_pointer(s), &p_listener, NULL);
}
static void seat_name(void *d, struct wl_seat *s, const char *name) {}
static const struct wl_seat_listener seat_listener = { seat_caps, seat_name };

static void global(void *d, struct wl_registry *r, uint32_t name, const char *iface, uint32_t v)
{
	if (!strcmp(iface, "wl_compositor"))
		compositor = wl_registry_bind(r, name, &wl_compositor_interface, 4);
	else if (!strcmp(iface, "wl_subcompositor"))
		subcompositor = wl_registry_bind(r, name, &wl_subcompositor_interface, 1);
	else if (!strcmp(iface, "wl_shm"))
		shm = wl_registry_bind(r, name, &wl_shm_interface, 1);
	else if (!strcmp(iface, "xdg_wm_base")) {
		wm = wl_registry_bind(r, name, &xdg_wm_base_interface, 2);
		xdg_wm_base_add_listener(wm, &wm_listener, NULL);
	} else if (!strcmp(iface, "wl_seat")) {
		seat = wl_registry_bind(r, name, &wl_seat_interface, 5);
		wl_seat_add_listener(seat, &seat_listener, NULL);
	} else if (!strcmp(iface, "wp_presentation"))
		presentation = wl_registry_bind(r, name, &wp_presentation_interface, 1);
	else if (!strcmp(iface, "zxdg_decoration_manager_v1"))
		deco_mgr = wl_registry_bind(r, name, &zxdg_decoration_manager_v1_interface, 1);
	else if (!strcmp(iface, "wp_viewporter"))
		viewporter = wl_registry_bind(r, name, &wp_viewporter_interface, 1);
	else if (!strcmp(iface, "wl_data_device_manager"))
		ddm = wl_registry_bind(r, name, &wl_data_device_manager_interface, 3);
}
static void global_remove(void *d, struct wl_registry *r, uint32_t name) {}
static const struct wl_registry_listener reg_listener = { global, global_remove };

/* ---- presentation ---- */

static int fb_pending;
static uint64_t fb_commit_ns[4096];

static void fb_sync(void *d, struct wp_presentation_feedback *f, struct wl_output *o) {}
static void fb_presented(void *d, struct wp_presentation_feedback *f, uint32_t sh, uint32_t sl,
			 uint32_t ns, uint32_t refresh, uint32_t qh, uint32_t ql, uint32_t flags)
{
	uint64_t t = ((uint64_t)sh << 32 | sl) * 1000000000ull + ns;
	uint64_t seq = (uint64_t)qh << 32 | ql;
	uintptr_t i = (uintptr_t)d;

	printf("presented %llu %llu %llu %u %u\n", (unsigned long long)seq, (unsigned long long)t,
	       (unsigned long long)fb_commit_ns[i % 4096], refresh, flags);
	fb_pending--;
	wp_presentation_feedback_destroy(f);
}
static void fb_discarded(void *d, struct wp_presentation_feedback *f)
{
	printf("discarded\n");
	fb_pending--;
	wp_presentation_feedback_destroy(f);
}
static const struct wp_presentation_feedback_listener fb_listener = { fb_sync, fb_presented,
								      fb_discarded };

/* ---- helpers ---- */

static void roundtrip_until(bool *flag)
{
	while (!*flag)
		if (wl_display_dispatch(dpy) < 0) {
			fprintf(stderr, "test-client: connection lost\n");
			exit(3);
		}
}

static void on_usr1(int sig)
{
	damage_requested = 1;
}

static void on_usr2(int sig)
{
	offset_requested = 1;
}

/* SIGUSR2: the same buffer again, attached at an offset (wl_compositor v4 takes it in attach). */
static void commit_offset(struct wl_surface *surf, struct wl_buffer *buf, int dx, int dy)
{
	wl_surface_attach(surf, buf, dx, dy);
	frame_seen = false;
	struct wl_callback *cb = wl_surface_frame(surf);
	wl_callback_add_listener(cb, &frame_listener, NULL);
	wl_surface_commit(surf);
	roundtrip_until(&frame_seen);
	printf("offset\n");
}

static int raw_connect(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", getenv("XDG_RUNTIME_DIR"),
		 getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "wayland-0");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		exit(1);
	}
	return fd;
}

/* Returns the exit status: 0 when the compositor reacted as it should. */
/*
 * Abuse: a configured toplevel commits a 256x256 XRGB buffer of `stride`
 * bytes a row from a pool of exactly stride * 256 bytes, whose file is
 * emptied first if `truncate`. 0 if the compositor answers with a protocol
 * error.
 */
static int commit_bad_buffer(int32_t stride, bool truncate)
{
	int fd = memfd_create("pool", MFD_CLOEXEC);
	size_t size = (size_t)stride * 256;
	(void)!ftruncate(fd, size);
	struct wl_shm_pool *pool = wl_shm_create_pool(shm, fd, size);
	struct wl_buffer *b = wl_shm_pool_create_buffer(pool, 0, 256, 256, stride,
							WL_SHM_FORMAT_XRGB8888);
	struct wl_surface *s = wl_compositor_create_surface(compositor);
	struct xdg_surface *x = xdg_wm_base_get_xdg_surface(wm, s);
	bool conf = false;
	xdg_surface_add_listener(x, &xs_listener, &conf);
	xdg_surface_get_toplevel(x);
	wl_surface_commit(s);
	roundtrip_until(&conf);
	if (truncate)
		(void)!ftruncate(fd, 0);
	wl_surface_attach(s, b, 0, 0);
	wl_surface_damage_buffer(s, 0, 0, 256, 256);
	wl_surface_commit(s);
	wl_display_roundtrip(dpy);
	return wl_display_get_error(dpy) ? 0 : 1;
}

static int abuse(const char *mode)
{
	if (!strcmp(mode, "garbage") || !strcmp(mode, "half-message")) {
		int fd = raw_connect();
		uint32_t buf[64];
		if (!strcmp(mode, "garbage")) {
			srand(getpid());
			for (int i = 0; i < 64; i++)
				buf[i] = rand();
			(void)!write(fd, buf, sizeof(buf));
		} else {
			/* wl_display.get_registry header claiming 12 bytes, then only 6 sent. */
			buf[0] = 1;
			buf[1] = (12u << 16) | 1;
			(void)!write(fd, buf, 6);
		}
		close(fd);
		return 0;
	}
	if (!strcmp(mode, "bad-object")) {
		/* A request on an object id that does not exist: a protocol error. */
		int fd = raw_connect();
		uint32_t msg[3] = { 77, (12u << 16) | 0, 5 };
		char c;
		(void)!write(fd, msg, sizeof(msg));
		struct pollfd p = { fd, POLLIN, 0 };
		poll(&p, 1, 2000);
		bool got = read(fd, &c, 1) == 1;	/* the error event */
		close(fd);
		return got ? 0 : 1;
	}

	struct wl_registry *reg = wl_display_get_registry(dpy);
	wl_registry_add_listener(reg, &reg_listener, NULL);
	wl_display_roundtrip(dpy);
	if (!strcmp(mode, "outside-pool")) {
		int fd = memfd_create("pool", MFD_CLOEXEC);
		(void)!ftruncate(fd, 4096);
		struct wl_shm_pool *pool = wl_shm_create_pool(shm, fd, 4096);
		/* 64x64x4 bytes do not fit in 4096. */
		wl_shm_pool_create_buffer(pool, 0, 64, 64, 256, WL_SHM_FORMAT_XRGB8888);
		wl_display_roundtrip(dpy);
		return wl_display_get_error(dpy) ? 0 : 1;
	}
	if (!strcmp(mode, "sigbus"))	/* the pool's file shrinks under the compositor's feet */
		return commit_bad_buffer(1024, true);
	/*
	 * A stride of 256 bytes for 256 XRGB pixels: wl_shm only checks stride >=
	 * width (bytes against pixels) and that stride * height fits the pool, so
	 * the buffer's last rows lie past the pool.
	 */
	if (!strcmp(mode, "short-stride"))
		return commit_bad_buffer(256, false);
	if (!strcmp(mode, "bad-role")) {
		/* A subsurface of itself: a protocol error. */
		struct wl_surface *s = wl_compositor_create_surface(compositor);
		wl_subcompositor_get_subsurface(subcompositor, s, s);
		wl_display_roundtrip(dpy);
		return wl_display_get_error(dpy) ? 0 : 1;
	}
	if (!strcmp(mode, "deep-subsurfaces")) {
		/* 1000 subsurfaces, each in the last: refused before it hurts. */
		struct wl_surface *parent = wl_compositor_create_surface(compositor);
		for (int i = 0; i < 1000; i++) {
			struct wl_surface *c = wl_compositor_create_surface(compositor);
			wl_subcompositor_get_subsurface(subcompositor, c, parent);
			parent = c;
		}
		wl_display_roundtrip(dpy);
		return wl_display_get_error(dpy) ? 0 : 1;
	}
	if (!strcmp(mode, "deep-popups")) {
		struct wl_surface *s = wl_compositor_create_surface(compositor);
		struct xdg_surface *x = xdg_wm_base_get_xdg_surface(wm, s);
		xdg_surface_get_toplevel(x);
		struct xdg_positioner *pos = xdg_wm_base_create_positioner(wm);
		xdg_positioner_set_size(pos, 10, 10);
		xdg_positioner_set_anchor_rect(pos, 0, 0, 1, 1);
		for (int i = 0; i < 1000; i++) {
			struct wl_surface *ps = wl_compositor_create_surface(compositor);
			struct xdg_surface *px = xdg_wm_base_get_xdg_surface(wm, ps);
			xdg_surface_get_popup(px, x, pos);
			x = px;
		}
		wl_display_roundtrip(dpy);
		return wl_display_get_error(dpy) ? 0 : 1;
	}
	if (!strcmp(mode, "huge-coords")) {
		/* Extreme but legal numbers: nothing may overflow in the compositor. */
		struct wl_surface *s = wl_compositor_create_surface(compositor);
		struct xdg_surface *x = xdg_wm_base_get_xdg_surface(wm, s);
		bool conf = false;
		xdg_surface_add_listener(x, &xs_listener, &conf);
		xdg_surface_get_toplevel(x);
		xdg_surface_set_window_geometry(x, INT32_MIN, INT32_MIN, INT32_MAX, INT32_MAX);
		wl_surface_commit(s);
		roundtrip_until(&conf);
		struct wl_surface *ss = wl_compositor_create_surface(compositor);
		struct wl_subsurface *sub = wl_subcompositor_get_subsurface(subcompositor, ss, s);
		wl_subsurface_set_position(sub, INT32_MAX, INT32_MIN);
		wl_surface_attach(ss, solid_buffer(16, 16, 0xffff0000u, NULL), 0, 0);
		wl_surface_damage(ss, INT32_MAX - 1, INT32_MAX - 1, INT32_MAX, INT32_MAX);
		wl_surface_commit(ss);
		wl_surface_attach(s, solid_buffer(32, 32, 0xff00ff00u, NULL), 0, 0);
		wl_surface_damage(s, INT32_MIN, INT32_MIN, INT32_MAX, INT32_MAX);
		wl_surface_damage_buffer(s, INT32_MAX, 0, INT32_MAX, 1);
		wl_surface_commit(s);
		struct xdg_positioner *pos = xdg_wm_base_create_positioner(wm);
		xdg_positioner_set_size(pos, INT32_MAX, INT32_MAX);
		xdg_positioner_set_anchor_rect(pos, INT32_MAX - 1, INT32_MIN, INT32_MAX, INT32_MAX);
		xdg_positioner_set_offset(pos, INT32_MIN, INT32_MAX);
		xdg_positioner_set_gravity(pos, XDG_POSITIONER_GRAVITY_TOP_LEFT);
		xdg_positioner_set_constraint_adjustment(pos, 0xff);
		struct wl_surface *ps = wl_compositor_create_surface(compositor);
		struct xdg_surface *px = xdg_wm_base_get_xdg_surface(wm, ps);
		bool pconf = false;
		xdg_surface_add_listener(px, &xs_listener, &pconf);
		xdg_surface_get_popup(px, x, pos);
		wl_surface_commit(ps);
		roundtrip_until(&pconf);
		wl_surface_attach(ps, solid_buffer(8, 8, 0xff0000ffu, NULL), 0, 0);
		wl_surface_commit(ps);
		wl_display_roundtrip(dpy);
		usleep(100000);
		wl_display_roundtrip(dpy);
		return wl_display_get_error(dpy) ? 1 : 0;
	}
	if (!strcmp(mode, "many-surfaces")) {
		/* Surfaces, buffers and windows, then vanish without cleaning up. */
		for (int i = 0; i < 20; i++) {
			struct wl_surface *s = wl_compositor_create_surface(compositor);
			struct xdg_surface *x = xdg_wm_base_get_xdg_surface(wm, s);
			bool conf = false;
			xdg_surface_add_listener(x, &xs_listener, &conf);
			xdg_surface_get_toplevel(x);
			wl_surface_commit(s);
			roundtrip_until(&conf);
			wl_surface_attach(s, solid_buffer(64, 48, 0xff00ff00u, NULL), 0, 0);
			wl_surface_damage(s, 0, 0, 64, 48);
			wl_surface_frame(s);
			wl_surface_commit(s);
		}
		wl_display_flush(dpy);
		return 0;
	}
	fprintf(stderr, "unknown abuse mode %s\n", mode);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "color", required_argument, NULL, 'c' },
		{ "ssd", no_argument, NULL, 'D' },
		{ "sub", required_argument, NULL, 'u' },
		{ "popup", required_argument, NULL, 'p' },
		{ "damage", required_argument, NULL, 'd' },
		{ "input", no_argument, NULL, 'i' },
		{ "feedback", required_argument, NULL, 'f' },
		{ "abuse", required_argument, NULL, 'a' },
		{ "viewport", required_argument, NULL, 'v' },
		{ "copy", required_argument, NULL, 'C' },
		{ "paste", no_argument, NULL, 'P' },
		{ "offset", required_argument, NULL, 'o' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "cursor", required_argument, NULL, 'k' },
		{ "offset-cursor", no_argument, NULL, 'O' },
		{ 0 }
	};
	int w = 200, h = 150, feedback = 0, c;
	uint32_t color = 0xff808080u;
	struct spec sub = { 0 }, pop = { 0 }, dmg = { 0 };
	bool ssd = false;
	const char *abuse_mode = NULL;
	int vp_w = 0, vp_h = 0;
	int off_dx = 0, off_dy = 0;
	bool offset_cursor = false, no_wait = false;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': sscanf(optarg, "%dx%d", &w, &h); break;
		case 'c': color = strtoul(optarg, NULL, 16); break;
		case 'D': ssd = true; break;
		case 'u': parse_spec(optarg, &sub, true); break;
		case 'p': parse_spec(optarg, &pop, true); break;
		case 'd': parse_spec(optarg, &dmg, true); break;
		case 'i': input = true; break;
		case 'f': feedback = atoi(optarg); break;
		case 'a': abuse_mode = optarg; break;
		case 'v': sscanf(optarg, "%dx%d", &vp_w, &vp_h); break;
		case 'C': copy_text = optarg; input = true; break;
		case 'P': paste = true; input = true; break;
		case 'o': sscanf(optarg, "%d,%d", &off_dx, &off_dy); break;
		case 'k': parse_spec(optarg, &cursor_spec, true); input = true; break;
		case 'O': offset_cursor = true; break;
		case 'W': no_wait = true; break;
		default: return 2;
		}
	}
	dpy = wl_display_connect(NULL);
	if (!dpy) {
		fprintf(stderr, "test-client: cannot connect\n");
		return 1;
	}
	if (abuse_mode)
		return abuse(abuse_mode);

	struct wl_registry *reg = wl_display_get_registry(dpy);
	wl_registry_add_listener(reg, &reg_listener, NULL);
	wl_display_roundtrip(dpy);
	wl_display_roundtrip(dpy);
	if (!compositor || !shm || !wm) {
		fprintf(stderr, "test-client: missing globals\n");
		return 1;
	}

	if (ddm && seat && (copy_text || paste)) {
		data_device = wl_data_device_manager_get_data_device(ddm, seat);
		wl_data_device_add_listener(data_device, &dd_listener, NULL);
	}
	surface = wl_compositor_create_surface(compositor);
	if (vp_w > 0 && viewporter) {
		struct wp_viewport *vp = wp_viewporter_get_viewport(viewporter, surface);
		wp_viewport_set_destination(vp, vp_w, vp_h);
	}
	xsurf = xdg_wm_base_get_xdg_surface(wm, surface);
	xdg_surface_add_listener(xsurf, &xs_listener, &configured);
	struct xdg_toplevel *tl = xdg_surface_get_toplevel(xsurf);
	xdg_toplevel_add_listener(tl, &tl_listener, NULL);
	xdg_toplevel_set_title(tl, "test-client");
	if (ssd && deco_mgr) {
		struct zxdg_toplevel_decoration_v1 *d =
			zxdg_decoration_manager_v1_get_toplevel_decoration(deco_mgr, tl);
		zxdg_toplevel_decoration_v1_set_mode(d, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
	}
	wl_surface_commit(surface);
	roundtrip_until(&configured);

	uint32_t *pixels;
	struct wl_buffer *buf = solid_buffer(w, h, color, &pixels);
	if (sub.set) {
		struct wl_surface *ss = wl_compositor_create_surface(compositor);
		struct wl_subsurface *sp = wl_subcompositor_get_subsurface(subcompositor, ss, surface);
		wl_subsurface_set_position(sp, sub.x, sub.y);
		wl_surface_attach(ss, solid_buffer(sub.w, sub.h, sub.argb, NULL), 0, 0);
		wl_surface_damage(ss, 0, 0, sub.w, sub.h);
		wl_surface_commit(ss);	/* synchronized: applied by the parent's commit */
	}
	wl_surface_attach(surface, buf, 0, 0);
	wl_surface_damage(surface, 0, 0, w, h);
	struct wl_callback *cb = wl_surface_frame(surface);
	wl_callback_add_listener(cb, &frame_listener, NULL);
	wl_surface_commit(surface);
	roundtrip_until(&frame_seen);

	if (pop.set) {
		struct xdg_positioner *pos = xdg_wm_base_create_positioner(wm);
		xdg_positioner_set_size(pos, pop.w, pop.h);
		xdg_positioner_set_anchor_rect(pos, pop.x, pop.y, 1, 1);
		xdg_positioner_set_anchor(pos, XDG_POSITIONER_ANCHOR_TOP_LEFT);
		xdg_positioner_set_gravity(pos, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
		struct wl_surface *ps = wl_compositor_create_surface(compositor);
		bool pconf = false;
		struct xdg_surface *px = xdg_wm_base_get_xdg_surface(wm, ps);
		xdg_surface_add_listener(px, &xs_listener, &pconf);
		struct xdg_popup *popup = xdg_surface_get_popup(px, xsurf, pos);
		xdg_popup_add_listener(popup, &popup_listener, NULL);
		xdg_positioner_destroy(pos);
		popup_surface = ps;
		if (input && seat)	/* a menu: it takes the keyboard */
			xdg_popup_grab(popup, seat, 0);
		wl_surface_commit(ps);
		roundtrip_until(&pconf);
		wl_surface_attach(ps, solid_buffer(pop.w, pop.h, pop.argb, NULL), 0, 0);
		wl_surface_damage(ps, 0, 0, pop.w, pop.h);
		frame_seen = false;
		cb = wl_surface_frame(ps);
		wl_callback_add_listener(cb, &frame_listener, NULL);
		wl_surface_commit(ps);
		roundtrip_until(&frame_seen);
	}
	printf("ready\n");

	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	signal(SIGTERM, SIG_DFL);
	int frame = 0;
	if (feedback && presentation) {
		/* Animate: one commit per frame callback, each with feedback. */
		frame_seen = true;
	}
	for (;;) {
		if (feedback && presentation && frame_seen && frame < feedback) {
			frame_seen = false;
			for (int i = 0; i < w * h; i++)
				pixels[i] = premul(color) ^ (frame & 1 ? 0x00ffffffu : 0);
			wl_surface_attach(surface, buf, 0, 0);
			wl_surface_damage(surface, 0, 0, w, h);
			cb = wl_surface_frame(surface);
			wl_callback_add_listener(cb, &frame_listener, NULL);
			struct wp_presentation_feedback *f = wp_presentation_feedback(presentation, surface);
			wp_presentation_feedback_add_listener(f, &fb_listener, (void *)(uintptr_t)frame);
			fb_commit_ns[frame % 4096] = now_ns();
			fb_pending++;
			wl_surface_commit(surface);
			frame++;
		} else if (feedback && frame >= feedback && fb_pending == 0) {
			printf("feedback-done\n");
			feedback = 0;
		}
		if (damage_requested) {
			damage_requested = 0;
			for (int y = dmg.y; y < dmg.y + dmg.h && y < h; y++)
				for (int x = dmg.x; x < dmg.x + dmg.w && x < w; x++)
					pixels[y * w + x] = premul(dmg.argb);
			wl_surface_attach(surface, buf, 0, 0);
			wl_surface_damage(surface, dmg.x, dmg.y, dmg.w, dmg.h);
			frame_seen = false;
			cb = wl_surface_frame(surface);
			wl_callback_add_listener(cb, &frame_listener, NULL);
			wl_surface_commit(surface);
			if (!no_wait)
				roundtrip_until(&frame_seen);
			printf("damaged\n");
		}
		if (offset_requested) {
			offset_requested = 0;
			if (offset_cursor && cursor_surface)
				commit_offset(cursor_surface, solid_buffer(cursor_spec.w, cursor_spec.h,
									   cursor_spec.argb, NULL),
					      off_dx, off_dy);
			else
				commit_offset(surface, buf, off_dx, off_dy);
		}
		wl_display_flush(dpy);
		struct pollfd p = { wl_display_get_fd(dpy), POLLIN, 0 };
		if (poll(&p, 1, 50) > 0 && wl_display_dispatch(dpy) < 0)
			return 3;
		wl_display_dispatch_pending(dpy);
	}
}
