// SPDX-License-Identifier: MIT
/*
 * gfx_ctl.c - gfx-ctl, the control tool of gfx-device.
 *
 *   gfx-ctl --socket PATH CMD [ARGS...]
 *
 * Talks to PATH.ctl: sends one request line, prints the reply. Exits 0
 * on "ok ...", 1 with the message on stderr on "error: ...".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: gfx-ctl --socket PATH CMD [ARGS...]\n"
		"  --socket PATH          gfx-device's socket (the control endpoint is PATH.ctl)\n"
		"  -h, --help             this text\n"
		"Commands:\n"
		"  stats                  counters, one 'key value' per line\n"
		"  screenshot FILE.png    the current scanout, exact pixels\n"
		"  frame                  with --display png:DIR, write DIR/frame-<vblank>.png now\n"
		"  hang [CTX]             context CTX (default 0, the master) stops until it is reset\n"
		"  drop-irqs N            drop the next N interrupts\n"
		"  delay-irqs USEC        delay every interrupt (0 = off)\n"
		"  key CODE 0|1|2         evdev key event (KEY_*)\n"
		"  button CODE 0|1        evdev button event (BTN_LEFT = 272)\n"
		"  pointer X Y            absolute pointer position in mode pixels\n"
		"See gfx-ctl(1).\n");
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { 10, 0 };
	const char *socket_path = NULL;
	char request[4096], reply[16384];
	size_t len = 0, got = 0;
	int i = 1, fd;

	if (argc > 2 && !strcmp(argv[1], "--socket")) {
		socket_path = argv[2];
		i = 3;
	} else if (argc > 1 && !strncmp(argv[1], "--socket=", 9)) {
		socket_path = argv[1] + 9;
		i = 2;
	}
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (!socket_path || i >= argc) {
		usage(stderr);
		return 2;
	}
	if (snprintf(addr.sun_path, sizeof(addr.sun_path), "%s.ctl", socket_path) >=
	    (int)sizeof(addr.sun_path)) {
		fprintf(stderr, "gfx-ctl: socket path too long: %s\n", socket_path);
		return 2;
	}

	for (; i < argc; i++) {
		char abs_path[PATH_MAX + 1];
		const char *arg = argv[i];

		/* The device writes screenshots itself, from its own working directory. */
		if (i > 0 && !strcmp(argv[i - 1], "screenshot") && arg[0] != '/') {
			char cwd[PATH_MAX];

			if (!getcwd(cwd, sizeof(cwd)) ||
			    snprintf(abs_path, sizeof(abs_path), "%s/%s", cwd, arg) >= (int)sizeof(abs_path)) {
				fprintf(stderr, "gfx-ctl: path too long: %s\n", arg);
				return 2;
			}
			arg = abs_path;
		}
		if (strpbrk(arg, " \t\n\r")) {
			fprintf(stderr, "gfx-ctl: arguments cannot contain spaces: '%s'\n", arg);
			return 2;
		}
		if (len + strlen(arg) + 2 > sizeof(request)) {
			fprintf(stderr, "gfx-ctl: request too long\n");
			return 2;
		}
		len += (size_t)sprintf(request + len, "%s%s", len ? " " : "", arg);
	}
	request[len++] = '\n';

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "gfx-ctl: cannot reach gfx-device at %s: %s\n", addr.sun_path, strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, request, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "gfx-ctl: send: %s\n", strerror(errno));
		return 1;
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		ssize_t n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "gfx-ctl: no reply from gfx-device: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0 || (got += (size_t)n) == sizeof(reply) - 1)
			break;
	}
	close(fd);
	reply[got] = 0;

	if (!strncmp(reply, "ok", 2) && (reply[2] == '\n' || reply[2] == ' ' || reply[2] == 0)) {
		const char *rest = reply + 2;

		if (*rest == ' ' || *rest == '\n')
			rest++;
		fputs(rest, stdout);
		return 0;
	}
	if (got == 0)
		fprintf(stderr, "gfx-ctl: gfx-device closed the connection without a reply\n");
	else
		fputs(reply, stderr);
	return 1;
}
