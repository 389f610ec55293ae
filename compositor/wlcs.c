/* SPDX-License-Identifier: MIT */
/*
 * wlcs.c - the wlcs integration module: a shared object the Wayland
 * conformance suite loads (`wlcs gfx-compositor-wlcs.so`). For every test
 * wlcs creates a server, starts it, connects clients through
 * create_client_socket, moves windows, drives fake pointer and touch
 * devices, then stops and destroys it, thousands of times in one process.
 *
 * start() runs the core on a thread of ours: it opens the GPU ($GFX_DEVICE,
 * as libgfx takes it), creates the server and runs its event loop. Every
 * call wlcs makes from its own thread is carried to that loop over a
 * socket and waited for (run_on_server), so the core only ever runs on
 * one thread. stop() ends the loop; the thread destroys the server, closes
 * the GPU and is joined. (wlcs's own start_on_this_thread mode would do
 * the carrying for us, but its event sources outlive the loop they are on
 * and show as leaks under ASan.)
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client-core.h>
#include <wayland-server.h>
#include <wlcs/display_server.h>
#include <wlcs/pointer.h>
#include <wlcs/touch.h>

#include "core.h"
#include "input.h"
#include "surface.h"
#include "util.h"
#include "xdg_shell.h"

/* gfx-device may not have seen the last test's driver leave yet: retry a busy device this long. */
#define OPEN_RETRY_NS		(5 * NS_PER_SEC)
#define OPEN_RETRY_STEP_NS	(2 * NS_PER_MS)

struct wlcs_server {
	WlcsDisplayServer base;
	WlcsIntegrationDescriptor descriptor;
	WlcsExtensionDescriptor *extensions;
	/* The server's thread and the socket wlcs's calls come over. */
	pthread_t thread;
	bool running;			/* the thread runs the server (set and read by wlcs's thread) */
	int call_fd[2];			/* [0]: the server's end, [1]: the callers' */
	pthread_mutex_t call_lock;	/* one call at a time */
	/* The server's thread only (or anyone once it is joined). */
	struct gfx_device *gfx;
	struct server *server;		/* NULL while stopped */
	struct wl_list clients;		/* struct wlcs_client */
	struct wl_list devices;		/* struct fake_device, until wlcs destroys them */
	int32_t next_touch_id;
};

/* A client wlcs connected: its end of the socket names it in position_window_absolute. */
struct wlcs_client {
	struct wl_list link;
	int fd;				/* the client's end */
	struct wl_client *client;
	struct wl_listener destroy;
};

struct fake_device {
	union {
		WlcsPointer pointer;
		WlcsTouch touch;
	};
	struct wlcs_server *ws;
	struct wl_list link;
	int32_t touch_id;
};

struct call {
	void (*fn)(struct wlcs_server *ws, void *arg);
	void *arg;
};

static struct wlcs_server *from_base(WlcsDisplayServer *base)
{
	return container_of(base, struct wlcs_server, base);
}

/* ---- calls from wlcs's thread ---- */

/*
 * Run fn(ws, arg) on the server's thread and wait for it; with no server
 * thread, right here (fn then finds ws->server NULL). arg lives on the
 * caller's stack: the caller waits.
 */
static void run_on_server(struct wlcs_server *ws, void (*fn)(struct wlcs_server *, void *),
			  void *arg)
{
	struct call c = { fn, arg };
	char done;

	if (!ws->running) {
		fn(ws, arg);
		return;
	}
	pthread_mutex_lock(&ws->call_lock);
	if (send(ws->call_fd[1], &c, sizeof(c), MSG_NOSIGNAL) != sizeof(c) ||
	    recv(ws->call_fd[1], &done, 1, 0) != 1)
		abort();	/* the server's thread is gone without stop(): nothing sane to do */
	pthread_mutex_unlock(&ws->call_lock);
}

static int on_call(int fd, uint32_t mask, void *data)
{
	struct wlcs_server *ws = data;
	struct call c;
	char done = 0;

	if (recv(fd, &c, sizeof(c), 0) != sizeof(c))
		return 0;
	c.fn(ws, c.arg);
	send(fd, &done, 1, MSG_NOSIGNAL);
	return 0;
}

/* ---- the server's thread ---- */

static struct gfx_device *open_gpu(void)
{
	struct gfx_device *gfx;
	uint64_t give_up = now_ns() + OPEN_RETRY_NS;
	struct timespec step = { 0, OPEN_RETRY_STEP_NS };
	int r;

	while ((r = gfx_open(NULL, &gfx)) == -EBUSY && now_ns() < give_up)
		nanosleep(&step, NULL);
	if (r < 0) {
		log_msg("wlcs: cannot open the GPU: %s", gfx_last_error(NULL));
		return NULL;
	}
	return gfx;
}

static bool server_up(struct wlcs_server *ws)
{
	struct server_config cfg = {
		.verbose = getenv("GFX_COMPOSITOR_VERBOSE") != NULL,
		.buffer_before_first_ack = true,	/* wlcs 1.5's helpers (core.h) */
	};

	ws->gfx = open_gpu();
	if (!ws->gfx)
		return false;
	cfg.gfx = ws->gfx;
	ws->server = server_create(&cfg);
	return ws->server != NULL;
}

static void server_down(struct wlcs_server *ws)
{
	server_destroy(ws->server);	/* destroys the clients: their entries go with them */
	ws->server = NULL;
	if (ws->gfx)
		gfx_close(ws->gfx);
	ws->gfx = NULL;
}

static void *server_thread(void *data)
{
	struct wlcs_server *ws = data;
	struct wl_event_source *src = wl_event_loop_add_fd(ws->server->loop, ws->call_fd[0],
							   WL_EVENT_READABLE, on_call, ws);

	wl_display_run(ws->server->display);
	wl_event_source_remove(src);
	server_down(ws);
	return NULL;
}

static void start(WlcsDisplayServer *base)
{
	struct wlcs_server *ws = from_base(base);

	/* Set up here: the thread only runs the loop, so no call can find it half made. */
	if (!server_up(ws)) {
		server_down(ws);
		return;	/* calls then run here and find no server: create_client_socket fails */
	}
	ws->running = pthread_create(&ws->thread, NULL, server_thread, ws) == 0;
	if (!ws->running)
		server_down(ws);
}

static void stop_on_server(struct wlcs_server *ws, void *arg)
{
	if (ws->server)
		server_terminate(ws->server, 0);
}

static void stop(WlcsDisplayServer *base)
{
	struct wlcs_server *ws = from_base(base);

	if (!ws->running)
		return;
	run_on_server(ws, stop_on_server, NULL);
	pthread_join(ws->thread, NULL);
	ws->running = false;
}

/* ---- clients and windows ---- */

static void client_destroyed(struct wl_listener *l, void *data)
{
	struct wlcs_client *c = container_of(l, struct wlcs_client, destroy);

	wl_list_remove(&c->link);
	wl_list_remove(&c->destroy.link);
	free(c);
}

static void client_socket_on_server(struct wlcs_server *ws, void *arg)
{
	int *result = arg, fds[2];
	struct wlcs_client *c;

	*result = -1;
	if (!ws->server || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (c)
		c->client = wl_client_create(ws->server->display, fds[0]);
	if (!c || !c->client) {
		free(c);
		close(fds[0]);
		close(fds[1]);
		return;
	}
	c->fd = fds[1];
	c->destroy.notify = client_destroyed;
	wl_client_add_destroy_listener(c->client, &c->destroy);
	wl_list_insert(&ws->clients, &c->link);
	*result = fds[1];
}

static int create_client_socket(WlcsDisplayServer *base)
{
	int fd;

	run_on_server(from_base(base), client_socket_on_server, &fd);
	return fd;
}

/* The server's surface of a client-side wl_surface (same process, the client's socket). */
static struct surface *server_surface(struct wlcs_server *ws, struct wl_display *dpy,
				      struct wl_surface *client_surface)
{
	int fd = wl_display_get_fd(dpy);
	struct wlcs_client *c;
	struct wl_resource *r = NULL;

	wl_list_for_each(c, &ws->clients, link)
		if (c->fd == fd)
			r = wl_client_get_object(c->client, wl_proxy_get_id((struct wl_proxy *)client_surface));
	if (!r || strcmp(wl_resource_get_class(r), wl_surface_interface.name) != 0)
		return NULL;
	return surface_from_resource(r);
}

struct position_args {
	struct wl_display *dpy;
	struct wl_surface *surface;
	int x, y;
};

static void position_on_server(struct wlcs_server *ws, void *arg)
{
	struct position_args *a = arg;
	struct surface *surf = ws->server ? server_surface(ws, a->dpy, a->surface) : NULL;
	struct toplevel *t = surf ? toplevel_from_surface(surf) : NULL;

	if (!t) {
		log_msg("wlcs: position_window_absolute: not a window");
		return;
	}
	toplevel_move_to(t, a->x, a->y);
	seat_repick(ws->server);
}

static void position_window_absolute(WlcsDisplayServer *base, struct wl_display *dpy,
				     struct wl_surface *client_surface, int x, int y)
{
	struct position_args a = { dpy, client_surface, x, y };

	run_on_server(from_base(base), position_on_server, &a);
}

/* ---- fake devices ---- */

/*
 * A device's event (on the server's thread): what, and its arguments.
 * Devices outlive the server they were made for (wlcs may destroy them
 * after stop); their events then go nowhere.
 */
enum device_op { DEV_MOTION_ABS, DEV_MOTION_REL, DEV_BUTTON, DEV_TOUCH_DOWN, DEV_TOUCH_MOTION,
		 DEV_TOUCH_UP, DEV_DESTROY };

struct device_args {
	struct fake_device *d;
	enum device_op op;
	double x, y;
	int button;
	bool pressed;
};

static void device_on_server(struct wlcs_server *ws, void *arg)
{
	struct device_args *a = arg;
	struct server *s = ws->server;
	int32_t id = a->d->touch_id;

	if (a->op == DEV_DESTROY) {
		wl_list_remove(&a->d->link);
		free(a->d);
		return;
	}
	if (!s)
		return;
	switch (a->op) {
	case DEV_MOTION_ABS: input_motion_abs(s, a->x, a->y); break;
	case DEV_MOTION_REL: input_motion_rel(s, a->x, a->y); break;
	case DEV_BUTTON: input_button(s, a->button, a->pressed); break;
	case DEV_TOUCH_DOWN: input_touch_down(s, id, a->x, a->y); break;
	case DEV_TOUCH_MOTION: input_touch_motion(s, id, a->x, a->y); break;
	case DEV_TOUCH_UP: input_touch_up(s, id); break;
	case DEV_DESTROY: break;
	}
}

static void device_event(struct fake_device *d, struct device_args a)
{
	a.d = d;
	run_on_server(d->ws, device_on_server, &a);
}

static struct fake_device *pointer_device(WlcsPointer *p)
{
	return container_of(p, struct fake_device, pointer);
}

static void pointer_move_absolute(WlcsPointer *p, wl_fixed_t x, wl_fixed_t y)
{
	device_event(pointer_device(p), (struct device_args){ .op = DEV_MOTION_ABS,
		.x = wl_fixed_to_double(x), .y = wl_fixed_to_double(y) });
}

static void pointer_move_relative(WlcsPointer *p, wl_fixed_t dx, wl_fixed_t dy)
{
	device_event(pointer_device(p), (struct device_args){ .op = DEV_MOTION_REL,
		.x = wl_fixed_to_double(dx), .y = wl_fixed_to_double(dy) });
}

static void pointer_button_down(WlcsPointer *p, int button)
{
	device_event(pointer_device(p), (struct device_args){ .op = DEV_BUTTON, .button = button,
							      .pressed = true });
}

static void pointer_button_up(WlcsPointer *p, int button)
{
	device_event(pointer_device(p), (struct device_args){ .op = DEV_BUTTON, .button = button });
}

static void pointer_destroy(WlcsPointer *p)
{
	device_event(pointer_device(p), (struct device_args){ .op = DEV_DESTROY });
}

static struct fake_device *touch_device(WlcsTouch *t)
{
	return container_of(t, struct fake_device, touch);
}

/*
 * wlcs 1.5 hands touch positions over as plain integers, not the wl_fixed_t
 * that touch.h declares (its Touch::down_at and move_to pass their int
 * arguments straight through), unlike the pointer's, which it converts.
 */
static double touch_coord(wl_fixed_t v)
{
	return v;
}

static void touch_down(WlcsTouch *t, wl_fixed_t x, wl_fixed_t y)
{
	device_event(touch_device(t), (struct device_args){ .op = DEV_TOUCH_DOWN,
		.x = touch_coord(x), .y = touch_coord(y) });
}

static void touch_move(WlcsTouch *t, wl_fixed_t x, wl_fixed_t y)
{
	device_event(touch_device(t), (struct device_args){ .op = DEV_TOUCH_MOTION,
		.x = touch_coord(x), .y = touch_coord(y) });
}

static void touch_up(WlcsTouch *t)
{
	device_event(touch_device(t), (struct device_args){ .op = DEV_TOUCH_UP });
}

static void touch_destroy(WlcsTouch *t)
{
	device_event(touch_device(t), (struct device_args){ .op = DEV_DESTROY });
}

static void device_new_on_server(struct wlcs_server *ws, void *arg)
{
	struct fake_device **out = arg, *d = calloc(1, sizeof(*d));

	if (!d)
		abort();	/* wlcs has no way to hear of a failure here */
	d->ws = ws;
	d->touch_id = ws->next_touch_id++;
	wl_list_insert(&ws->devices, &d->link);
	*out = d;
}

static WlcsPointer *create_pointer(WlcsDisplayServer *base)
{
	struct fake_device *d;

	run_on_server(from_base(base), device_new_on_server, &d);
	d->pointer = (WlcsPointer){
		.version = WLCS_POINTER_VERSION,
		.move_absolute = pointer_move_absolute,
		.move_relative = pointer_move_relative,
		.button_up = pointer_button_up,
		.button_down = pointer_button_down,
		.destroy = pointer_destroy,
	};
	return &d->pointer;
}

static WlcsTouch *create_touch(WlcsDisplayServer *base)
{
	struct fake_device *d;

	run_on_server(from_base(base), device_new_on_server, &d);
	d->touch = (WlcsTouch){
		.version = WLCS_TOUCH_VERSION,
		.touch_down = touch_down,
		.touch_move = touch_move,
		.touch_up = touch_up,
		.destroy = touch_destroy,
	};
	return &d->touch;
}

/* ---- the integration ---- */

static const WlcsIntegrationDescriptor *get_descriptor(const WlcsDisplayServer *base)
{
	return &container_of(base, struct wlcs_server, base)->descriptor;
}

/* What the suite may expect: our globals at their versions; it skips the rest. */
static bool describe(struct wlcs_server *ws)
{
	ws->extensions = calloc(server_global_count, sizeof(*ws->extensions));
	if (!ws->extensions)
		return false;
	for (size_t i = 0; i < server_global_count; i++)
		ws->extensions[i] = (WlcsExtensionDescriptor){ server_globals[i].name,
							       server_globals[i].version };
	ws->descriptor = (WlcsIntegrationDescriptor){
		.version = 1,
		.num_extensions = server_global_count,
		.supported_extensions = ws->extensions,
	};
	return true;
}

static WlcsDisplayServer *create_server(int argc, const char **argv)
{
	struct wlcs_server *ws = calloc(1, sizeof(*ws));

	if (!ws)
		return NULL;
	if (!describe(ws) || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ws->call_fd) < 0) {
		free(ws->extensions);
		free(ws);
		return NULL;
	}
	pthread_mutex_init(&ws->call_lock, NULL);
	wl_list_init(&ws->clients);
	wl_list_init(&ws->devices);
	ws->base = (WlcsDisplayServer){
		.version = 3,
		.start = start,
		.stop = stop,
		.create_client_socket = create_client_socket,
		.position_window_absolute = position_window_absolute,
		.create_pointer = create_pointer,
		.create_touch = create_touch,
		.get_descriptor = get_descriptor,
	};
	return &ws->base;
}

static void destroy_server(WlcsDisplayServer *base)
{
	struct wlcs_server *ws = from_base(base);
	struct fake_device *d, *tmp;

	stop(base);
	wl_list_for_each_safe(d, tmp, &ws->devices, link)	/* wlcs did not destroy them */
		free(d);
	close(ws->call_fd[0]);
	close(ws->call_fd[1]);
	pthread_mutex_destroy(&ws->call_lock);
	free(ws->extensions);
	free(ws);
}

const WlcsServerIntegration wlcs_server_integration = {
	.version = 1,
	.create_server = create_server,
	.destroy_server = destroy_server,
};
