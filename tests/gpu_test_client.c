/* SPDX-License-Identifier: MIT */
/*
 * gpu_test_client - a Wayland client that draws with the GPU, through
 * libgfx's Wayland add-on (its own context, or the render node and dma-buf
 * on drm), for the compositor tests.
 *
 *   --size WxH --color RRGGBB   a toplevel filled by a GPU fill (opaque)
 *   --title T                   its title (default gpu-test-client)
 *   --next RRGGBB               on SIGUSR1: fill a second buffer with that
 *                               colour and commit it; print "next FENCE"
 *   --stall                     --next names a fence that never passes
 *   --frames N                  N more frames, alternating buffers (two),
 *                               each waiting for its buffer's release;
 *                               print "frames N released N"
 *   --bad-buffer                a wl_buffer just past its context's window:
 *                               the compositor must refuse it
 *   --keep-context SECONDS      after ready: leave the Wayland connection
 *                               but keep drawing in the context for that
 *                               long; print "left", then "kept N frames", or
 *                               "revoked after N frames" at a SIGBUS (uio)
 *   --evil MODE                 after ready, attack (gpu_evil.c): other-window,
 *                               master-memory, beyond-vram, ring-outside,
 *                               flood and doorbells SECONDS (--evil-seconds),
 *                               spin (draw until killed); print "evil MODE: RESULT"
 *   --evil-seconds S            how long flood and doorbells run (default 3)
 * Prints "ready PATH CONTEXT" (PATH context, userq or dma-buf) once its first frame was shown (a frame
 * callback came back).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "gfx-wayland.h"
#include "gpu_evil.h"
#include "xdg-shell-client-protocol.h"

#define SEC 1000000000LL

struct app {
	struct wl_display *dpy;
	struct wl_compositor *compositor;
	struct xdg_wm_base *wm;
	struct wl_surface *surface;
	struct xdg_surface *xdg;
	struct xdg_toplevel *top;
	struct gfxwl *gw;
	struct gfx_device *dev;
	struct gfx_bo *bo[2];
	struct wl_buffer *buf[2];
	bool busy[2], configured, frame_done;
	unsigned releases;
	int w, h;
	const char *title;
};

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	usr1 = 1;
}

static void global(void *d, struct wl_registry *r, uint32_t name, const char *iface, uint32_t v)
{
	struct app *a = d;

	if (!strcmp(iface, wl_compositor_interface.name))
		a->compositor = wl_registry_bind(r, name, &wl_compositor_interface, 4);
	else if (!strcmp(iface, xdg_wm_base_interface.name))
		a->wm = wl_registry_bind(r, name, &xdg_wm_base_interface, 1);
}

static void global_remove(void *d, struct wl_registry *r, uint32_t name) {}
static const struct wl_registry_listener registry_listener = { global, global_remove };

static void released(void *data, struct wl_buffer *b)
{
	struct app *a = data;

	a->busy[b == a->buf[1]] = false;
	a->releases++;
}

static const struct wl_buffer_listener buffer_listener = { released };

static void configure(void *d, struct xdg_surface *x, uint32_t serial)
{
	xdg_surface_ack_configure(x, serial);
	((struct app *)d)->configured = true;
}

static const struct xdg_surface_listener xdg_listener = { configure };
static void top_configure(void *d, struct xdg_toplevel *t, int32_t w, int32_t h, struct wl_array *s) {}
static void top_close(void *d, struct xdg_toplevel *t) {}
static const struct xdg_toplevel_listener top_listener = { top_configure, top_close };

static void frame_cb(void *d, struct wl_callback *cb, uint32_t t)
{
	wl_callback_destroy(cb);
	((struct app *)d)->frame_done = true;
}

static const struct wl_callback_listener frame_listener = { frame_cb };

static void die(const char *what, const char *why)
{
	printf("error %s: %s\n", what, why);
	fflush(stdout);
	exit(1);
}

/* Fill buffer i with rgb on the GPU, submit; its fence. */
static uint64_t draw(struct app *a, int i, uint32_t rgb)
{
	struct gfx_rect all = { 0, 0, (uint32_t)a->w, (uint32_t)a->h };
	uint64_t seq;

	if (gfx_set_dst(a->dev, a->bo[i]) < 0 || gfx_fill(a->dev, GFX_SRC, 0xff000000u | rgb, &all, 1) < 0 ||
	    gfx_fence(a->dev, false, &seq) < 0 || gfx_submit(a->dev) < 0)
		die("draw", gfx_last_error(a->dev));
	return seq;
}

/* Commit buffer i, naming fence; wait for the frame callback. */
static void show(struct app *a, int i, uint64_t fence, bool wait)
{
	struct wl_callback *cb = wl_surface_frame(a->surface);

	a->frame_done = false;
	wl_callback_add_listener(cb, &frame_listener, a);
	gfxwl_set_fence(a->gw, a->surface, fence);
	wl_surface_attach(a->surface, a->buf[i], 0, 0);
	wl_surface_damage_buffer(a->surface, 0, 0, a->w, a->h);
	a->busy[i] = true;
	wl_surface_commit(a->surface);
	while (wait && !a->frame_done)
		if (wl_display_dispatch(a->dpy) < 0)
			die("dispatch", "connection lost (a protocol error?)");
}

static void setup(struct app *a)
{
	struct wl_registry *reg;

	a->dpy = wl_display_connect(NULL);
	if (!a->dpy)
		die("connect", "no Wayland display");
	reg = wl_display_get_registry(a->dpy);
	wl_registry_add_listener(reg, &registry_listener, a);
	wl_display_roundtrip(a->dpy);
	if (!a->compositor || !a->wm)
		die("globals", "no wl_compositor or xdg_wm_base");
	if (gfxwl_connect(a->dpy, &a->gw) < 0)
		die("gpu", gfxwl_error());
	a->dev = gfxwl_device(a->gw);
	for (int i = 0; i < 2; i++) {
		if (gfx_bo_create(a->dev, (uint32_t)a->w, (uint32_t)a->h, GFX_FMT_XRGB8888, &a->bo[i]) < 0 ||
		    !(a->buf[i] = gfxwl_buffer(a->gw, a->bo[i])))
			die("buffer", gfx_last_error(a->dev));
		wl_buffer_add_listener(a->buf[i], &buffer_listener, a);
	}
	a->surface = wl_compositor_create_surface(a->compositor);
	a->xdg = xdg_wm_base_get_xdg_surface(a->wm, a->surface);
	xdg_surface_add_listener(a->xdg, &xdg_listener, a);
	a->top = xdg_surface_get_toplevel(a->xdg);
	xdg_toplevel_add_listener(a->top, &top_listener, a);
	xdg_toplevel_set_title(a->top, a->title);
	wl_surface_commit(a->surface);
	while (!a->configured)
		if (wl_display_dispatch(a->dpy) < 0)
			die("dispatch", "connection lost");
}

/* A buffer one page past the context's window: the compositor must refuse it. */
static void bad_buffer(struct app *a)
{
	struct gfx_info info;
	struct gfx_bo past;
	struct wl_buffer *b;

	gfx_get_info(a->dev, &info);
	past = *a->bo[0];
	past.offset = info.window_offset + info.window_size;
	b = gfxwl_buffer(a->gw, &past);
	if (!b) {	/* a dma-buf path: libgfx has no such buffer to export */
		printf("refused by libgfx: %s\n", gfx_last_error(a->dev));
		exit(0);
	}
	wl_buffer_destroy(b);
	if (wl_display_roundtrip(a->dpy) >= 0)
		die("bad-buffer", "the compositor took a buffer outside the window");
	printf("refused %s\n", wl_display_get_error(a->dpy) == EPROTO ? "with a protocol error" : "");
	fflush(stdout);
	exit(0);
}

/* N frames alternating the two buffers, each drawn only once the compositor released it. */
static void frames(struct app *a, int n)
{
	for (int f = 0; f < n; f++) {
		int i = (f + 1) % 2;	/* buffer 0 shows the first frame */

		while (a->busy[i])
			if (wl_display_dispatch(a->dpy) < 0)
				die("dispatch", "connection lost");
		show(a, i, draw(a, i, (uint32_t)(f * 0x010203)), true);
	}
	wl_display_roundtrip(a->dpy);
	printf("frames %d released %u\n", n, a->releases);
}

static volatile sig_atomic_t kept_frames;

/* uio: the compositor took the context back; our next access to it faulted. */
static void on_revoked(int sig)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "revoked after %d frames\n", (int)kept_frames);

	(void)!write(STDOUT_FILENO, msg, (size_t)len);
	_exit(0);
}

/*
 * Leave Wayland, keep the context: draw for `secs` with the fds we still
 * hold. On uio the compositor revokes the context when we leave, so this
 * ends early with a SIGBUS: "revoked after N frames"; else "kept N frames".
 */
static void keep_context(struct app *a, double secs)
{
	struct timespec t0, t;
	unsigned n = 0;

	signal(SIGBUS, on_revoked);
	wl_display_disconnect(a->dpy);	/* everything on the Wayland side is gone now */
	printf("left\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		uint64_t seq = draw(a, n % 2, 0x00ff00ffu);

		if (gfx_fence_wait(a->dev, seq, SEC) == 0)
			kept_frames = (int)++n;
		usleep(10000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("kept %u frames\n", n);
	fflush(stdout);
	exit(0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' }, { "color", required_argument, NULL, 'c' },
		{ "next", required_argument, NULL, 'n' }, { "stall", no_argument, NULL, 'S' },
		{ "frames", required_argument, NULL, 'f' }, { "bad-buffer", no_argument, NULL, 'b' },
		{ "keep-context", required_argument, NULL, 'k' }, { "evil", required_argument, NULL, 'e' },
		{ "evil-seconds", required_argument, NULL, 'E' }, { "title", required_argument, NULL, 'T' },
		{ 0 }
	};
	struct app a = { .w = 200, .h = 150, .title = "gpu-test-client" };
	uint32_t color = 0xff0000, next = 0;
	bool stall = false, bad = false, has_next = false;
	int c, nframes = 0;
	double keep = 0, evil_seconds = 3;
	const char *evil = NULL;

	while ((c = getopt_long(argc, argv, "s:c:n:Sf:bk:e:E:T:", opts, NULL)) != -1) {
		switch (c) {
		case 's': sscanf(optarg, "%dx%d", &a.w, &a.h); break;
		case 'c': color = (uint32_t)strtoul(optarg, NULL, 16); break;
		case 'n': next = (uint32_t)strtoul(optarg, NULL, 16); has_next = true; break;
		case 'S': stall = true; break;
		case 'f': nframes = atoi(optarg); break;
		case 'b': bad = true; break;
		case 'k': keep = atof(optarg); break;
		case 'e': evil = optarg; break;
		case 'E': evil_seconds = atof(optarg); break;
		case 'T': a.title = optarg; break;
		default: return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGUSR1, on_usr1);
	setup(&a);
	if (bad)
		bad_buffer(&a);
	struct gfx_info info;

	show(&a, 0, draw(&a, 0, color), true);
	gfx_get_info(a.dev, &info);
	printf("ready %s %u\n", gfxwl_path(a.gw) == GFXWL_CONTEXT ? "context" :
	       gfxwl_path(a.gw) == GFXWL_USERQ ? "userq" : "dma-buf", info.context);
	if (keep > 0)
		keep_context(&a, keep);
	if (evil) {
		printf("evil %s: %s\n", evil, gpu_evil(a.dev, evil, evil_seconds));
		wl_display_roundtrip(a.dpy);	/* still connected: its window is still shown */
		if (strcmp(evil, "spin") != 0)
			return 0;
	}
	if (nframes)
		frames(&a, nframes);
	for (;;) {	/* a poll with a timeout: SIGUSR1 is seen within 50 ms */
		struct pollfd p = { wl_display_get_fd(a.dpy), POLLIN, 0 };

		wl_display_flush(a.dpy);
		if (poll(&p, 1, 50) > 0 && wl_display_dispatch(a.dpy) < 0)
			break;
		if (usr1 && has_next) {
			uint64_t f = draw(&a, 1, next);

			usr1 = 0;
			show(&a, 1, stall ? f + 1000000 : f, false);
			printf("next %llu\n", (unsigned long long)f);
		}
	}
	printf("disconnected\n");
	return 0;
}
