/* SPDX-License-Identifier: MIT */
/*
 * main.c - gfx-compositor: the options, the GPU (the output backend: any
 * libgfx spec), the evdev input, the Wayland socket, signals, and the
 * optional client command (with `-- CMD`, the compositor lives as long as
 * CMD). Everything else is the core's (core.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "input_evdev.h"
#include "layout.h"
#include "util.h"

/* --mode's refresh matches the device's within this many mHz. */
#define MODE_REFRESH_SLACK_MHZ 500

struct options {
	const char *device, *socket_name, *mode, *input_dir;
	bool verbose;
	char **command;			/* after --, or NULL */
};

struct app {
	struct server *server;
	struct input_evdev *evdev;
	struct wl_event_source *signals[4];
	pid_t child;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gfx-compositor [--device SPEC] [--socket NAME] [--mode WxH@Hz]\n"
		"                      [--input-dir DIR] [--verbose] [-- CMD ARGS...]\n"
		"  -d, --device SPEC    libgfx device (as GFX_DEVICE: direct:PATH, uio:/dev/uioN, drm:PATH,\n"
		"                       kms:/dev/dri/cardN, virtio:...; default: the first one found)\n"
		"  -s, --socket NAME    Wayland socket name under $XDG_RUNTIME_DIR (default: auto)\n"
		"  -m, --mode WxH@Hz    check the device's mode (gfx-device sets it); error if different\n"
		"  -i, --input-dir DIR  evdev devices to watch (default /dev/input)\n"
		"  -v, --verbose        more messages (also GFX_COMPOSITOR_VERBOSE=1)\n"
		"  -h, --help           this text\n"
		"  --print-layout       where windows go, the colours, as shell assignments\n"
		"  -- CMD ARGS          run CMD with WAYLAND_DISPLAY set, exit when it exits\n"
		"See gfx-compositor(1).\n");
}

/* -1: go on; else exit with that status (--help, --print-layout, a bad option). */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "input-dir", required_argument, NULL, 'i' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "print-layout", no_argument, NULL, 'L' },
		{ 0 }
	};
	int c;

	*o = (struct options){ .input_dir = "/dev/input", .verbose = !!getenv("GFX_COMPOSITOR_VERBOSE") };
	while ((c = getopt_long(argc, argv, "+d:s:m:i:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->device = optarg; break;
		case 's': o->socket_name = optarg; break;
		case 'm': o->mode = optarg; break;
		case 'i': o->input_dir = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'L': layout_print(); return 0;
		default: usage(stderr); return 2;
		}
	}
	o->command = optind < argc ? argv + optind : NULL;
	return -1;
}

static int check_mode(const struct gfx_info *info, const char *mode)
{
	unsigned w, h;
	double hz = 0;
	int n = sscanf(mode, "%ux%u@%lf", &w, &h, &hz);
	double mhz = hz * 1000;

	if (n < 2) {
		log_msg("bad --mode '%s' (want WxH or WxH@Hz)", mode);
		return -1;
	}
	if (w != info->width || h != info->height ||
	    (n == 3 && (mhz < info->refresh_mhz - MODE_REFRESH_SLACK_MHZ ||
			mhz > info->refresh_mhz + MODE_REFRESH_SLACK_MHZ))) {
		log_msg("--mode %s differs from the device's mode %ux%u@%.3f; the mode is "
			"set by gfx-device (gfx-device --mode %s)", mode, info->width,
			info->height, info->refresh_mhz / 1000.0, mode);
		return -1;
	}
	return 0;
}

static int on_signal(int sig, void *data)
{
	struct app *app = data;
	struct server *s = app->server;
	int status;
	pid_t p;

	if (sig != SIGCHLD) {
		log_debug(s->verbose, "signal %d, quitting", sig);
		server_terminate(s, 0);
		return 0;
	}
	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		if (p != app->child)
			continue;
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		log_debug(s->verbose, "client command exited (%d)", code);
		app->child = -1;
		server_terminate(s, code);
	}
	return 0;
}

static pid_t spawn(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "gfx-compositor: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static const char *add_socket(struct server *s, const char *name)
{
	if (name) {
		if (wl_display_add_socket(s->display, name) == 0)
			return name;
		log_msg("cannot create socket %s: %s", name, strerror(errno));
		return NULL;
	}
	name = wl_display_add_socket_auto(s->display);
	if (!name)
		log_msg("cannot create a Wayland socket");
	return name;
}

static void add_signals(struct app *app)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
	struct wl_event_loop *loop = app->server->loop;

	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		app->signals[i] = wl_event_loop_add_signal(loop, sigs[i], on_signal, app);
}

/* The compositor on an open GPU: socket, input, signals, command, run. */
static int run(struct app *app, struct gfx_device *gfx, const struct options *o)
{
	struct server_config cfg = { .gfx = gfx, .verbose = o->verbose };
	const char *socket_name;

	app->server = server_create(&cfg);
	if (!app->server)
		return 1;
	socket_name = add_socket(app->server, o->socket_name);
	if (!socket_name)
		return 1;
	setenv("WAYLAND_DISPLAY", socket_name, 1);
	log_msg("%ux%u@%.3f on %s, WAYLAND_DISPLAY=%s", app->server->info.width,
		app->server->info.height, app->server->info.refresh_mhz / 1000.0,
		app->server->info.backend, socket_name);
	app->evdev = input_evdev_create(app->server, o->input_dir);
	add_signals(app);
	if (o->command && (app->child = spawn(o->command)) < 0) {
		log_msg("fork: %s", strerror(errno));
		return 1;
	}
	wl_display_run(app->server->display);
	return app->server->exit_code;
}

static void cleanup(struct app *app)
{
	if (app->child > 0 && kill(app->child, 0) == 0)
		kill(app->child, SIGTERM);
	input_evdev_destroy(app->evdev);
	for (size_t i = 0; i < ARRAY_LEN(app->signals); i++)
		if (app->signals[i])
			wl_event_source_remove(app->signals[i]);
	server_destroy(app->server);
}

int main(int argc, char **argv)
{
	struct options o;
	struct app app = { .child = -1 };
	struct gfx_device *gfx;
	struct gfx_info info;
	int r = parse_args(argc, argv, &o);

	if (r >= 0)
		return r;
	if (!getenv("XDG_RUNTIME_DIR")) {
		log_msg("XDG_RUNTIME_DIR is not set");
		return 1;
	}
	if (gfx_open(o.device, &gfx) < 0) {
		log_msg("cannot open the GPU: %s", gfx_last_error(NULL));	/* names the spec tried */
		return 1;
	}
	gfx_get_info(gfx, &info);
	if (o.mode && check_mode(&info, o.mode) < 0) {
		gfx_close(gfx);
		return 2;
	}
	r = run(&app, gfx, &o);
	cleanup(&app);
	gfx_close(gfx);
	log_debug(o.verbose, "exit %d", r);
	return r;
}
