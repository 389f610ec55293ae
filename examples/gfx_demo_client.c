/* SPDX-License-Identifier: MIT */
/*
 * gfx-demo-client - an animated wl_shm window, for the demo and the
 * compositor benchmark.
 *
 * Every frame callback it redraws the whole buffer (a moving gradient and
 * a bouncing square), commits with a wp_presentation feedback, and records
 * commit -> presented latency and missed vblanks (presented sequence steps
 * larger than one), after a warm-up of 30 frames. With --stats it prints one
 * line at exit:
 *   frames=N presented=N discarded=N missed=N p50_us=N p99_us=N
 * --latency-file FILE writes every latency after the warm-up (µs, one per
 * line, in presentation order) for the benchmarks' CDF plots.
 *
 * --windows N opens N such windows in one process (the statistics are the
 * first one's).
 *
 * --fps N draws at most N frames a second: a frame callback that comes
 * early waits for the next tick of that rate, so the frame rate is the same
 * on every compositor that sustains it (the benchmarks compare at one rate).
 *
 * With --gpu the same animation is drawn by the GPU (fills, a blend, a
 * bilinear stretch; demo_gpu.c) into VRAM buffers in the client's own GPU
 * context (or, on the kernel's DRM driver, its render node), shown with no
 * copy; each commit names the fence the compositor waits for.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include "demo_gpu.h"
#include "presentation-time-client-protocol.h"
#include "xdg-decoration-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#define NBUF 3
#define MAX_WINDOWS 16
#define WARMUP_FRAMES 30	/* half a second at 60 Hz */

struct buffer {
	struct wl_buffer *wl;
	uint32_t *px;
	bool busy;
};

struct app;

struct window {
	struct app *a;
	int idx;
	struct wl_surface *surface;
	struct xdg_surface *xdg;
	struct xdg_toplevel *toplevel;
	struct buffer buf[NBUF];
	bool configured;
	bool due;			/* --fps: its frame callback came; redraw at the next tick */
};

struct app {
	struct wl_display *dpy;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm;
	struct wp_presentation *presentation;
	struct zxdg_decoration_manager_v1 *deco_mgr;
	struct window win[MAX_WINDOWS];
	int nwin;
	int w, h;
	bool closed, csd;
	uint64_t start_ns;
	unsigned frames, presented, discarded, missed;
	uint64_t last_seq;
	uint64_t *lat;			/* ns, per presented frame */
	size_t nlat, caplat;
	unsigned max_frames;
	double seconds;
	unsigned hue;
	clockid_t clock;		/* wp_presentation's clock */
	struct demo_gpu *gpu;		/* --gpu */
	uint64_t period_ns;		/* --fps: 1e9 / N, else 0 */
	uint64_t next_tick_ns;
};

static volatile sig_atomic_t stop;

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void buffer_release(void *data, struct wl_buffer *b)
{
	((struct buffer *)data)->busy = false;
}

static const struct wl_buffer_listener buffer_listener = { buffer_release };

static int make_buffers(struct app *a, struct window *win)
{
	size_t stride = (size_t)a->w * 4, size = stride * a->h;
	int fd = memfd_create("gfx-demo-client", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, size * NBUF) < 0)
		return -1;
	uint8_t *map = mmap(NULL, size * NBUF, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	struct wl_shm_pool *pool = wl_shm_create_pool(a->shm, fd, size * NBUF);
	for (int i = 0; i < NBUF; i++) {
		win->buf[i].px = (uint32_t *)(map + i * size);
		win->buf[i].wl = wl_shm_pool_create_buffer(pool, i * size, a->w, a->h, stride,
							   WL_SHM_FORMAT_XRGB8888);
		wl_buffer_add_listener(win->buf[i].wl, &buffer_listener, &win->buf[i]);
	}
	wl_shm_pool_destroy(pool);
	close(fd);
	return 0;
}

static void draw(struct app *a, uint32_t *px, uint64_t t_ns, unsigned hue)
{
	double t = t_ns / 1e9;
	int sq = a->h / 4;
	int sx = (int)((a->w - sq) * (0.5 + 0.5 * sin(t * 1.7)));
	int sy = (int)((a->h - sq) * (0.5 + 0.5 * sin(t * 2.3 + 1)));
	unsigned shift = (unsigned)(t * 120);

	for (int y = 0; y < a->h; y++) {
		uint32_t *row = px + (size_t)y * a->w;
		uint32_t g = ((y * 255 / a->h) + shift) & 0x1ff;
		g = g > 255 ? 511 - g : g;	/* a triangle wave: no seam */
		for (int x = 0; x < a->w; x++) {
			uint32_t r = ((x * 255 / a->w) + hue) & 0x1ff;
			r = r > 255 ? 511 - r : r;
			row[x] = 0xff000000u | r << 16 | g << 8 | 0x60;
		}
		if (y >= sy && y < sy + sq)
			for (int x = sx; x < sx + sq; x++)
				row[x] = 0xfff0f0f0u;
	}
}

struct fb_data {
	struct app *a;
	uint64_t commit_ns;
};

static void fb_sync_output(void *d, struct wp_presentation_feedback *f, struct wl_output *o) {}

static void fb_presented(void *d, struct wp_presentation_feedback *f, uint32_t sec_hi,
			 uint32_t sec_lo, uint32_t nsec, uint32_t refresh, uint32_t seq_hi,
			 uint32_t seq_lo, uint32_t flags)
{
	struct fb_data *fd = d;
	struct app *a = fd->a;
	uint64_t t = (((uint64_t)sec_hi << 32 | sec_lo) * 1000000000ull) + nsec;
	uint64_t seq = (uint64_t)seq_hi << 32 | seq_lo;

	a->presented++;
	/* Statistics start after a warm-up: windows mapping, first full repaints. */
	bool warm = a->presented > WARMUP_FRAMES;
	if (warm && a->last_seq && seq > a->last_seq + 1)
		a->missed += seq - a->last_seq - 1;
	a->last_seq = seq;
	if (!warm) {
		wp_presentation_feedback_destroy(f);
		free(fd);
		return;
	}
	if (a->nlat == a->caplat) {
		a->caplat = a->caplat ? a->caplat * 2 : 1024;
		a->lat = realloc(a->lat, a->caplat * sizeof(*a->lat));
	}
	if (a->lat)
		a->lat[a->nlat++] = t > fd->commit_ns ? t - fd->commit_ns : 0;
	wp_presentation_feedback_destroy(f);
	free(fd);
}

static void fb_discarded(void *d, struct wp_presentation_feedback *f)
{
	struct fb_data *fd = d;

	fd->a->discarded++;
	wp_presentation_feedback_destroy(f);
	free(fd);
}

static const struct wp_presentation_feedback_listener fb_listener = {
	fb_sync_output, fb_presented, fb_discarded,
};

static void redraw(struct window *w);

static void frame_done(void *data, struct wl_callback *cb, uint32_t time)
{
	struct window *w = data;

	wl_callback_destroy(cb);
	if (w->a->period_ns)
		w->due = true;	/* drawn at the next tick (tick) */
	else
		redraw(w);
}

/* --fps: at each tick of the rate, the windows whose frame callback came draw. */
static int tick(struct app *a)
{
	uint64_t now = now_ns();

	if (now < a->next_tick_ns)
		return (int)((a->next_tick_ns - now + 999999) / 1000000);
	for (int k = 0; k < a->nwin; k++)
		if (a->win[k].due) {
			a->win[k].due = false;
			redraw(&a->win[k]);
		}
	a->next_tick_ns += a->period_ns;
	if (a->next_tick_ns < now)	/* late: the next tick of the grid, none made up */
		a->next_tick_ns += (now - a->next_tick_ns) / a->period_ns * a->period_ns + a->period_ns;
	return (int)((a->next_tick_ns - now + 999999) / 1000000);
}

static const struct wl_callback_listener frame_listener = { frame_done };

static void redraw(struct window *w)
{
	struct app *a = w->a;
	struct buffer *b = NULL;
	unsigned hue = a->hue + 40u * (unsigned)w->idx;

	for (int i = 0; i < NBUF; i++)
		if (!w->buf[i].busy) {
			b = &w->buf[i];
			break;
		}
	struct wl_callback *cb = wl_surface_frame(w->surface);
	wl_callback_add_listener(cb, &frame_listener, w);
	if (!b) {	/* all busy: skip this frame's content, keep the clock */
		wl_surface_commit(w->surface);
		return;
	}
	uint64_t t = now_ns();
	if (a->gpu)
		demo_gpu_draw(a->gpu, w->idx * NBUF + (int)(b - w->buf), (t - a->start_ns) / 1e9, hue,
			      w->surface);
	else
		draw(a, b->px, t - a->start_ns, hue);
	wl_surface_attach(w->surface, b->wl, 0, 0);
	wl_surface_damage_buffer(w->surface, 0, 0, a->w, a->h);
	if (a->presentation && w->idx == 0) {	/* the statistics are the first window's */
		struct fb_data *fd = calloc(1, sizeof(*fd));
		fd->a = a;
		struct wp_presentation_feedback *f = wp_presentation_feedback(a->presentation,
									      w->surface);
		wp_presentation_feedback_add_listener(f, &fb_listener, fd);
		fd->commit_ns = clock_ns(a->clock);	/* the clock presented times use */
	}
	b->busy = true;
	wl_surface_commit(w->surface);
	if (w->idx == 0)
		a->frames++;
}

static void xdg_surface_configure(void *data, struct xdg_surface *x, uint32_t serial)
{
	struct window *w = data;

	xdg_surface_ack_configure(x, serial);
	if (!w->configured) {
		w->configured = true;
		redraw(w);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = { xdg_surface_configure };

static void toplevel_configure(void *d, struct xdg_toplevel *t, int32_t w, int32_t h,
			       struct wl_array *states) {}
static void toplevel_close(void *d, struct xdg_toplevel *t)
{
	((struct window *)d)->a->closed = true;
}
static void toplevel_bounds(void *d, struct xdg_toplevel *t, int32_t w, int32_t h) {}
static void toplevel_caps(void *d, struct xdg_toplevel *t, struct wl_array *c) {}

static const struct xdg_toplevel_listener toplevel_listener = {
	toplevel_configure, toplevel_close, toplevel_bounds, toplevel_caps,
};

static void wm_ping(void *d, struct xdg_wm_base *wm, uint32_t serial)
{
	xdg_wm_base_pong(wm, serial);
}

static const struct xdg_wm_base_listener wm_listener = { wm_ping };

static void pres_clock(void *d, struct wp_presentation *p, uint32_t clk)
{
	((struct app *)d)->clock = clk;
}
static const struct wp_presentation_listener pres_listener = { pres_clock };

static void registry_global(void *data, struct wl_registry *reg, uint32_t name,
			    const char *iface, uint32_t version)
{
	struct app *a = data;

	if (!strcmp(iface, wl_compositor_interface.name))
		a->compositor = wl_registry_bind(reg, name, &wl_compositor_interface, 4);
	else if (!strcmp(iface, wl_shm_interface.name))
		a->shm = wl_registry_bind(reg, name, &wl_shm_interface, 1);
	else if (!strcmp(iface, xdg_wm_base_interface.name)) {
		a->wm = wl_registry_bind(reg, name, &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(a->wm, &wm_listener, a);
	} else if (!strcmp(iface, wp_presentation_interface.name)) {
		a->presentation = wl_registry_bind(reg, name, &wp_presentation_interface, 1);
		wp_presentation_add_listener(a->presentation, &pres_listener, a);
	} else if (!strcmp(iface, zxdg_decoration_manager_v1_interface.name))
		a->deco_mgr = wl_registry_bind(reg, name, &zxdg_decoration_manager_v1_interface, 1);
}

static void registry_remove(void *d, struct wl_registry *r, uint32_t name) {}
static const struct wl_registry_listener registry_listener = { registry_global, registry_remove };

static void open_window(struct app *a, struct window *w, const char *title)
{
	w->surface = wl_compositor_create_surface(a->compositor);
	w->xdg = xdg_wm_base_get_xdg_surface(a->wm, w->surface);
	xdg_surface_add_listener(w->xdg, &xdg_surface_listener, w);
	w->toplevel = xdg_surface_get_toplevel(w->xdg);
	xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
	xdg_toplevel_set_title(w->toplevel, title);
	xdg_toplevel_set_app_id(w->toplevel, "gfx-demo-client");
	if (a->deco_mgr && !a->csd) {
		struct zxdg_toplevel_decoration_v1 *d =
			zxdg_decoration_manager_v1_get_toplevel_decoration(a->deco_mgr, w->toplevel);
		zxdg_toplevel_decoration_v1_set_mode(d, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
	}
	wl_surface_commit(w->surface);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "title", required_argument, NULL, 'T' },
		{ "hue", required_argument, NULL, 'H' },
		{ "csd", no_argument, NULL, 'c' },
		{ "stats", no_argument, NULL, 'S' },
		{ "latency-file", required_argument, NULL, 'L' },
		{ "gpu", no_argument, NULL, 'g' },
		{ "windows", required_argument, NULL, 'W' },
		{ "fps", required_argument, NULL, 'F' },
		{ 0 }
	};
	struct app a = { .w = 320, .h = 240, .clock = CLOCK_MONOTONIC, .nwin = 1 };
	const char *title = "gfx-demo-client", *latency_file = NULL;
	bool stats = false, gpu = false;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:t:T:H:cSL:gW:F:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (sscanf(optarg, "%dx%d", &a.w, &a.h) != 2 || a.w < 8 || a.h < 8) {
				fprintf(stderr, "bad --size %s\n", optarg);
				return 2;
			}
			break;
		case 'n': a.max_frames = atoi(optarg); break;
		case 't': a.seconds = atof(optarg); break;
		case 'T': title = optarg; break;
		case 'H': a.hue = atoi(optarg); break;
		case 'c': a.csd = true; break;
		case 'S': stats = true; break;
		case 'L': latency_file = optarg; break;
		case 'g': gpu = true; break;
		case 'F':
			if (atof(optarg) <= 0) {
				fprintf(stderr, "bad --fps %s\n", optarg);
				return 2;
			}
			a.period_ns = (uint64_t)(1e9 / atof(optarg));
			break;
		case 'W':
			a.nwin = atoi(optarg);
			if (a.nwin < 1 || a.nwin > MAX_WINDOWS) {
				fprintf(stderr, "bad --windows %s (1..%d)\n", optarg, MAX_WINDOWS);
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: gfx-demo-client [--size WxH] [--frames N] [--seconds S]"
				" [--title T] [--hue N] [--csd] [--stats] [--latency-file FILE] [--gpu] [--windows N]"
				" [--fps N]\n");
			return 2;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	a.dpy = wl_display_connect(NULL);
	if (!a.dpy) {
		fprintf(stderr, "gfx-demo-client: cannot connect to the Wayland display\n");
		return 1;
	}
	struct wl_registry *reg = wl_display_get_registry(a.dpy);
	wl_registry_add_listener(reg, &registry_listener, &a);
	wl_display_roundtrip(a.dpy);
	if (!a.compositor || !a.shm || !a.wm) {
		fprintf(stderr, "gfx-demo-client: compositor lacks wl_compositor/wl_shm/xdg_wm_base\n");
		return 1;
	}
	if (gpu) {
		char err[300];

		a.gpu = demo_gpu_create(a.dpy, a.w, a.h, NBUF * a.nwin, err, sizeof(err));
		if (!a.gpu) {
			fprintf(stderr, "gfx-demo-client: --gpu: %s\n", err);
			return 1;
		}
		fprintf(stderr, "gfx-demo-client: drawing with the GPU (%s)\n", demo_gpu_path(a.gpu));
	}
	for (int k = 0; k < a.nwin; k++) {
		struct window *w = &a.win[k];

		w->a = &a;
		w->idx = k;
		for (int i = 0; gpu && i < NBUF; i++) {
			w->buf[i].wl = demo_gpu_buffer(a.gpu, k * NBUF + i);
			wl_buffer_add_listener(w->buf[i].wl, &buffer_listener, &w->buf[i]);
		}
		if (!gpu && make_buffers(&a, w) < 0) {
			fprintf(stderr, "gfx-demo-client: cannot allocate buffers: %s\n", strerror(errno));
			return 1;
		}
		open_window(&a, w, title);
	}

	a.start_ns = a.next_tick_ns = now_ns();
	while (!stop && !a.closed) {
		int timeout = a.period_ns ? tick(&a) : 100;

		if (a.max_frames && a.presented + a.discarded >= a.max_frames)
			break;
		if (a.seconds > 0 && now_ns() - a.start_ns > a.seconds * 1e9)
			break;
		struct pollfd pfd = { wl_display_get_fd(a.dpy), POLLIN, 0 };
		wl_display_flush(a.dpy);
		if (wl_display_prepare_read(a.dpy) != 0) {
			wl_display_dispatch_pending(a.dpy);
			continue;
		}
		if (poll(&pfd, 1, timeout < 100 ? timeout : 100) > 0)
			wl_display_read_events(a.dpy);
		else
			wl_display_cancel_read(a.dpy);
		if (wl_display_dispatch_pending(a.dpy) < 0) {
			fprintf(stderr, "gfx-demo-client: connection lost\n");
			return 1;
		}
	}

	if (latency_file) {
		FILE *f = fopen(latency_file, "w");

		for (size_t i = 0; f && i < a.nlat; i++)
			fprintf(f, "%llu\n", (unsigned long long)(a.lat[i] / 1000));
		if (!f || fclose(f) != 0)
			fprintf(stderr, "gfx-demo-client: cannot write %s\n", latency_file);
	}
	if (stats) {
		uint64_t p50 = 0, p99 = 0;
		if (a.nlat) {
			qsort(a.lat, a.nlat, sizeof(*a.lat), cmp_u64);
			p50 = a.lat[a.nlat / 2];
			p99 = a.lat[(a.nlat * 99) / 100 < a.nlat ? (a.nlat * 99) / 100 : a.nlat - 1];
		}
		printf("frames=%u presented=%u discarded=%u missed=%u p50_us=%llu p99_us=%llu\n",
		       a.frames, a.presented, a.discarded, a.missed,
		       (unsigned long long)(p50 / 1000), (unsigned long long)(p99 / 1000));
		fflush(stdout);
	}
	free(a.lat);
	if (a.gpu) {
		for (int k = 0; k < a.nwin; k++)
			wl_surface_destroy(a.win[k].surface);	/* before their fence objects go */
		demo_gpu_destroy(a.gpu);
	}
	wl_display_disconnect(a.dpy);
	return 0;
}
