/* SPDX-License-Identifier: MIT */
/*
 * main.c - gfx-compositor: options, the event loop, and the optional
 * client command (with `-- CMD`, the compositor lives as long as CMD).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gfx-compositor: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_debug(struct server *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->verbose)
		return;
	fprintf(stderr, "gfx-compositor: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gfx-compositor [--device SPEC] [--socket NAME] [--mode WxH@Hz]\n"
		"                      [--input-dir DIR] [--verbose] [-- CMD ARGS...]\n"
		"  -d, --device SPEC    libgfx device (as GFX_DEVICE: direct:PATH, uio:/dev/uioN)\n"
		"  -s, --socket NAME    Wayland socket name under $XDG_RUNTIME_DIR (default: auto)\n"
		"  -m, --mode WxH@Hz    check the device's mode (gfx-device sets it); error if different\n"
		"  -i, --input-dir DIR  evdev devices to watch (default /dev/input)\n"
		"  -v, --verbose        more messages (also GFX_COMPOSITOR_VERBOSE=1)\n"
		"  -h, --help           this text\n"
		"  --print-layout       where windows go, the colours, as shell assignments\n"
		"  -- CMD ARGS          run CMD with WAYLAND_DISPLAY set, exit when it exits\n"
		"See gfx-compositor(1).\n");
}

static pid_t child_pid = -1;

static int on_signal(int sig, void *data)
{
	struct server *s = data;

	if (sig == SIGCHLD) {
		int status;
		pid_t p;

		while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
			if (p == child_pid) {
				s->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
				log_debug(s, "client command exited (%d)", s->exit_code);
				wl_display_terminate(s->display);
			}
		}
		return 0;
	}
	log_debug(s, "signal %d, quitting", sig);
	wl_display_terminate(s->display);
	return 0;
}

static int check_mode(struct server *s, const char *mode)
{
	unsigned w, h;
	double hz = 0;
	int n = sscanf(mode, "%ux%u@%lf", &w, &h, &hz);

	if (n < 2) {
		log_msg("bad --mode '%s' (want WxH or WxH@Hz)", mode);
		return -1;
	}
	if (w != s->info.width || h != s->info.height ||
	    (n == 3 && (hz * 1000 < s->info.refresh_mhz - 500 || hz * 1000 > s->info.refresh_mhz + 500))) {
		log_msg("--mode %s differs from the device's mode %ux%u@%.3f; the mode is "
			"set by gfx-device (gfx-device --mode %s)", mode, s->info.width,
			s->info.height, s->info.refresh_mhz / 1000.0, mode);
		return -1;
	}
	return 0;
}

static void gfx_event(struct gfx_device *dev, const struct gfx_event *ev, void *data);

bool server_dispatch_gfx(struct server *s)
{
	if (gfx_dispatch(s->gfx, gfx_event, s) < 0) {
		log_msg("device lost: %s", gfx_last_error(s->gfx));
		s->exit_code = 1;
		wl_display_terminate(s->display);
		return false;
	}
	return true;
}

static int on_gfx(int fd, uint32_t mask, void *data)
{
	struct server *s = data;
	int r = gfx_dispatch(s->gfx, gfx_event, s);

	if (r < 0 || (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR))) {
		log_msg("device lost: %s", gfx_last_error(s->gfx));
		s->exit_code = 1;
		wl_display_terminate(s->display);
	}
	return 0;
}

static void gfx_event(struct gfx_device *dev, const struct gfx_event *ev, void *data)
{
	struct server *s = data;

	switch (ev->type) {
	case GFX_EVENT_FLIP_DONE:
		output_flip_done(s, ev->seq, ev->time_ns, ev->user_data);
		break;
	case GFX_EVENT_INPUT:
		evdev_feed(s, &s->fifo_input, ev->input_type, ev->input_code, ev->input_value);
		break;
	case GFX_EVENT_ERROR:
		log_msg("GPU error %s at ring offset %u (ring recovered)",
			gfx_error_name(ev->error_code), ev->error_offset);
		output_damage_whole(s);
		output_schedule_repaint(s);
		break;
	case GFX_EVENT_DEVICE_LOST:
		log_msg("device lost");
		s->exit_code = 1;
		wl_display_terminate(s->display);
		break;
	default:
		break;
	}
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

int main(int argc, char **argv)
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
	const char *device = NULL, *socket_name = NULL, *mode = NULL;
	const char *input_dir = "/dev/input";
	struct server s = { 0 };
	int c, r;

	while ((c = getopt_long(argc, argv, "+d:s:m:i:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': device = optarg; break;
		case 's': socket_name = optarg; break;
		case 'm': mode = optarg; break;
		case 'i': input_dir = optarg; break;
		case 'v': s.verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'L': layout_print(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (getenv("GFX_COMPOSITOR_VERBOSE"))
		s.verbose = true;
	if (!getenv("XDG_RUNTIME_DIR")) {
		log_msg("XDG_RUNTIME_DIR is not set");
		return 1;
	}

	r = gfx_open(device, &s.gfx);
	if (r < 0) {
		log_msg("cannot open the GPU: %s", gfx_last_error(NULL));	/* names the spec tried */
		return 1;
	}
	gfx_get_info(s.gfx, &s.info);
	if (mode && check_mode(&s, mode) < 0) {
		gfx_close(s.gfx);
		return 2;
	}

	s.display = wl_display_create();
	s.loop = wl_display_get_event_loop(s.display);
	wl_list_init(&s.surfaces);
	wl_list_init(&s.toplevels);
	wl_list_init(&s.popups);

	/* SIGBUS from truncated pools is handled by libwayland's begin_access. */
	if (wl_display_init_shm(s.display) < 0) {
		log_msg("wl_shm setup failed");
		return 1;
	}
	wl_display_add_shm_format(s.display, WL_SHM_FORMAT_RGB565);

	if (output_init(&s) < 0 || cursor_init(&s) < 0)
		return 1;
	compositor_init(&s);
	subcompositor_init(&s);
	xdg_shell_init(&s);
	decoration_init(&s);
	viewporter_init(&s);
	presentation_init(&s);
	seat_init(&s);
	data_device_init(&s);
	s.evdev = input_evdev_init(&s, input_dir);
	gfx_set_input_events(s.gfx, true);

	s.gfx_source = wl_event_loop_add_fd(s.loop, gfx_get_fd(s.gfx), WL_EVENT_READABLE,
					    on_gfx, &s);

	if (socket_name) {
		if (wl_display_add_socket(s.display, socket_name) < 0) {
			log_msg("cannot create socket %s: %s", socket_name, strerror(errno));
			return 1;
		}
	} else {
		socket_name = wl_display_add_socket_auto(s.display);
		if (!socket_name) {
			log_msg("cannot create a Wayland socket");
			return 1;
		}
	}
	setenv("WAYLAND_DISPLAY", socket_name, 1);
	log_msg("%ux%u@%.3f on %s, WAYLAND_DISPLAY=%s", s.info.width, s.info.height,
		s.info.refresh_mhz / 1000.0, s.info.backend, socket_name);

	struct wl_event_source *sig[4];
	signal(SIGPIPE, SIG_IGN);
	sig[0] = wl_event_loop_add_signal(s.loop, SIGINT, on_signal, &s);
	sig[1] = wl_event_loop_add_signal(s.loop, SIGTERM, on_signal, &s);
	sig[2] = wl_event_loop_add_signal(s.loop, SIGHUP, on_signal, &s);
	sig[3] = wl_event_loop_add_signal(s.loop, SIGCHLD, on_signal, &s);

	if (optind < argc) {
		child_pid = spawn(argv + optind);
		if (child_pid < 0) {
			log_msg("fork: %s", strerror(errno));
			return 1;
		}
	}

	output_damage_whole(&s);
	output_schedule_repaint(&s);
	wl_display_run(s.display);

	s.quitting = true;
	if (child_pid > 0 && kill(child_pid, 0) == 0)
		kill(child_pid, SIGTERM);
	wl_display_destroy_clients(s.display);
	input_evdev_fini(s.evdev);
	for (int i = 0; i < 4; i++)
		wl_event_source_remove(sig[i]);
	wl_event_source_remove(s.gfx_source);
	seat_fini(&s);
	cursor_fini(&s);
	output_fini(&s);
	wl_display_destroy(s.display);
	gfx_close(s.gfx);
	log_debug(&s, "exit %d", s.exit_code);
	return s.exit_code;
}
