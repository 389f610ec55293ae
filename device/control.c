// SPDX-License-Identifier: MIT
/*
 * control.c - serves gfx-ctl requests: stats, screenshots, fault injection
 * and input injection.
 *
 * Runs on the main thread with non-blocking sockets, so a client that
 * sends garbage, too much, or nothing at all can only waste its own slot.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "input.h"
#include "png_output.h"

#define REQUEST_MAX 1024
#define CLIENT_TIMEOUT_NS (5ull * 1000000000ull)

struct control_client {
	int fd;
	size_t len;
	uint64_t since;
	char buf[REQUEST_MAX];
};

struct control {
	struct device *d;
	int listen_fd;
	struct control_client clients[CONTROL_MAX_CLIENTS];
};

struct control *control_create(struct device *d, int listen_fd)
{
	struct control *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->d = d;
	c->listen_fd = listen_fd;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	return c;
}

static void client_close(struct control_client *cl)
{
	char sink[4096];

	/* Read what is left so the close does not reset the connection (and lose the reply). */
	for (int i = 0; cl->fd >= 0 && i < 16 && recv(cl->fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; i++)
		;
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
}

void control_destroy(struct control *c)
{
	if (!c)
		return;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		client_close(&c->clients[i]);
	close(c->listen_fd);
	free(c);
}

static void reply(struct control_client *cl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reply(struct control_client *cl, const char *fmt, ...)
{
	char out[8192];
	va_list ap;
	int n;
	size_t off = 0;

	va_start(ap, fmt);
	n = vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out))
		n = sizeof(out) - 1;
	/* Replies are small; a client that does not read them just loses them. */
	while (off < (size_t)n) {
		ssize_t w = send(cl->fd, out + off, (size_t)n - off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* Per-context lines: ctxN_commands, _fence_done, _errors, _resets, _irqs, _hang. */
static int context_stats(struct device *d, char *out, size_t len, uint64_t sums[4])
{
	size_t off = 0;

	for (unsigned int i = 0; i < d->cfg.contexts && off < len; i++) {
		struct context *c = &d->ctx[i];
		uint64_t v[4] = { atomic_load(&c->stat_commands), atomic_load(&c->error_count),
				  atomic_load(&c->reset_count), atomic_load(&c->stat_irqs) };
		int n = snprintf(out + off, len - off,
				 "ctx%u_commands %" PRIu64 "\nctx%u_fence_done %" PRIu64 "\n"
				 "ctx%u_errors %" PRIu64 "\nctx%u_resets %" PRIu64 "\nctx%u_irqs %" PRIu64 "\n"
				 "ctx%u_hang %d\n",
				 i, v[0], i, (uint64_t)atomic_load(&c->fence_done), i, v[1], i, v[2], i, v[3],
				 i, atomic_load(&c->hang));

		if (n < 0)
			return -1;
		off += (size_t)n;
		for (int k = 0; k < 4; k++)
			sums[k] += v[k];
	}
	return 0;
}

/* Device-wide keys first (commands, errors, resets, irqs summed over the contexts; fence_done and hang the master's). */
static void cmd_stats(struct device *d, struct control_client *cl)
{
	struct context *m = &d->ctx[GFX_MASTER_CONTEXT];
	char per_ctx[4096];
	uint64_t sums[4] = { 0 };
	bool connected;

	pthread_mutex_lock(&d->conn_lock);
	connected = d->connected;
	pthread_mutex_unlock(&d->conn_lock);
	if (context_stats(d, per_ctx, sizeof(per_ctx), sums) < 0)
		per_ctx[0] = 0;
	reply(cl,
	      "ok\n"
	      "vblanks %" PRIu64 "\n"
	      "flips %" PRIu64 "\n"
	      "commands %" PRIu64 "\n"
	      "errors %" PRIu64 "\n"
	      "resets %" PRIu64 "\n"
	      "missed_vblanks %" PRIu64 "\n"
	      "irqs %" PRIu64 "\n"
	      "irqs_dropped %" PRIu64 "\n"
	      "kicks %" PRIu64 "\n"
	      "fence_done %" PRIu64 "\n"
	      "connected %d\n"
	      "connections %" PRIu64 "\n"
	      "refused %" PRIu64 "\n"
	      "hang %d\n"
	      "mode %ux%u@%u.%03u\n"
	      "contexts %u\n"
	      "%s",
	      (uint64_t)atomic_load(&d->vblank_seq), (uint64_t)atomic_load(&d->flip_count),
	      sums[0], sums[1], sums[2], (uint64_t)atomic_load(&d->stat_missed_vblanks),
	      sums[3], (uint64_t)atomic_load(&d->stat_irqs_dropped),
	      (uint64_t)atomic_load(&d->stat_kicks), (uint64_t)atomic_load(&m->fence_done),
	      connected, (uint64_t)atomic_load(&d->stat_connections),
	      (uint64_t)atomic_load(&d->stat_refused), atomic_load(&m->hang),
	      d->cfg.width, d->cfg.height, d->cfg.refresh_mhz / 1000, d->cfg.refresh_mhz % 1000,
	      d->cfg.contexts, per_ctx);
}

static void handle_request(struct control *c, struct control_client *cl, char *line)
{
	struct device *d = c->d;
	char *argv[8];
	int argc = 0;
	uint64_t a, b;
	char *save = NULL;

	for (char *tok = strtok_r(line, " \t\r", &save); tok && argc < 8; tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	if (argc == 0) {
		reply(cl, "error: empty request\n");
		return;
	}
	for (const char *p = argv[0]; *p; p++) {
		if (*p < 0x20 || *p > 0x7e) {
			reply(cl, "error: request is not text\n");
			return;
		}
	}

	if (!strcmp(argv[0], "stats") && argc == 1) {
		cmd_stats(d, cl);
	} else if (!strcmp(argv[0], "screenshot") && argc == 2) {
		char err[512];

		if (argv[1][0] != '/') {
			reply(cl, "error: screenshot needs an absolute path\n");
			return;
		}
		if (png_write_scanout(d, argv[1], err, sizeof(err)) < 0)
			reply(cl, "error: %s\n", err);
		else
			reply(cl, "ok %s %ux%u\n", argv[1], d->cfg.width, d->cfg.height);
	} else if (!strcmp(argv[0], "frame") && argc == 1) {
		char path[4200], err[512];

		if (!d->png)
			reply(cl, "error: frame needs --display png:DIR (use screenshot FILE.png otherwise)\n");
		else if (png_output_frame_now(d->png, atomic_load(&d->vblank_seq), path, sizeof(path),
					      err, sizeof(err)) < 0)
			reply(cl, "error: %s\n", err);
		else
			reply(cl, "ok %s\n", path);
	} else if (!strcmp(argv[0], "hang") && (argc == 1 ||
		   (argc == 2 && parse_uint(argv[1], d->cfg.contexts - 1, &a)))) {
		unsigned int ctx = argc == 2 ? (unsigned int)a : GFX_MASTER_CONTEXT;

		atomic_store(&d->ctx[ctx].hang, true);
		device_wake_cp(d);
		reply(cl, "ok context %u hung until it is reset\n", ctx);
	} else if (!strcmp(argv[0], "drop-irqs") && argc == 2 && parse_uint(argv[1], UINT32_MAX, &a)) {
		atomic_store(&d->drop_irqs, (unsigned int)a);
		reply(cl, "ok dropping the next %u interrupts\n", (unsigned int)a);
	} else if (!strcmp(argv[0], "delay-irqs") && argc == 2 && parse_uint(argv[1], 10000000, &a)) {
		atomic_store(&d->delay_irq_us, (unsigned int)a);
		reply(cl, "ok interrupts delayed by %u us\n", (unsigned int)a);
	} else if ((!strcmp(argv[0], "key") || !strcmp(argv[0], "button")) && argc == 3 &&
		   parse_uint(argv[1], 0x2ff, &a) && parse_uint(argv[2], 2, &b)) {
		input_key(d, (uint16_t)a, (int32_t)b);
		reply(cl, "ok\n");
	} else if (!strcmp(argv[0], "pointer") && argc == 3 &&
		   parse_uint(argv[1], 65535, &a) && parse_uint(argv[2], 65535, &b)) {
		input_pointer(d, (int32_t)a, (int32_t)b);
		reply(cl, "ok\n");
	} else {
		reply(cl, "error: unknown or malformed request '%.64s' (try: stats, screenshot FILE.png, frame, "
			  "hang [CTX], drop-irqs N, delay-irqs USEC, key CODE 0|1|2, button CODE 0|1, pointer X Y)\n",
		      argv[0]);
	}
}

static void accept_clients(struct control *c)
{
	for (;;) {
		int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct control_client *slot = NULL, *oldest = NULL;

		if (fd < 0)
			return;
		for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
			struct control_client *cl = &c->clients[i];

			if (cl->fd < 0) {
				slot = cl;
				break;
			}
			if (!oldest || cl->since < oldest->since)
				oldest = cl;
		}
		if (!slot) {
			/* All busy: the oldest one has waited long enough. */
			client_close(oldest);
			slot = oldest;
		}
		slot->fd = fd;
		slot->len = 0;
		slot->since = device_now_ns();
	}
}

static void client_readable(struct control *c, struct control_client *cl)
{
	ssize_t n = recv(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - 1 - cl->len, 0);
	char *nl;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		cl->len += (size_t)n;
	cl->buf[cl->len] = 0;
	nl = memchr(cl->buf, '\n', cl->len);
	if (nl) {
		*nl = 0;
	} else if (n > 0 && cl->len < sizeof(cl->buf) - 1) {
		return;		/* wait for the rest of the line */
	} else if (cl->len == sizeof(cl->buf) - 1) {
		reply(cl, "error: request too long\n");
		client_close(cl);
		return;
	} else if (cl->len == 0) {
		client_close(cl);	/* closed without asking anything */
		return;
	}
	if (memchr(cl->buf, 0, nl ? (size_t)(nl - cl->buf) : cl->len))
		reply(cl, "error: request is not text\n");
	else
		handle_request(c, cl, cl->buf);
	client_close(cl);
}

int control_pollfds(struct control *c, struct pollfd *pfd)
{
	int n = 0;
	uint64_t now = device_now_ns();

	pfd[n++] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &c->clients[i];

		if (cl->fd >= 0 && now - cl->since > CLIENT_TIMEOUT_NS)
			client_close(cl);
		pfd[n++] = (struct pollfd){ .fd = cl->fd, .events = POLLIN };
	}
	return n;
}

void control_dispatch(struct control *c, const struct pollfd *pfd, int n)
{
	for (int i = 1; i < n && i - 1 < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &c->clients[i - 1];

		if (cl->fd >= 0 && cl->fd == pfd[i].fd && pfd[i].revents)
			client_readable(c, cl);
	}
	if (pfd[0].revents & POLLIN)
		accept_clients(c);
}
