/* SPDX-License-Identifier: MIT */
/*
 * backend_direct.c - reach gfx-device over its unix socket, as QEMU's
 * ivshmem-doorbell does (ivshmem server protocol, client side).
 *
 * The server sends int64 LE messages, each with at most one fd: version 0,
 * our peer id, -1 with the shared memory, then each other peer's id with an
 * eventfd per vector (the device's: the doorbells), then our own id with the
 * eventfds we are rung on; one vector per hardware context, CONTEXT_COUNT
 * in the register page we map as soon as the memory arrives. A first
 * message of -EBUSY means another driver holds the device. We are the
 * master: poll_fd is an epoll set of the master's interrupt eventfd and the
 * socket, so a dead device (socket hang-up) wakes waiters too. The other
 * vectors' eventfds are what a client context needs on this host (with the
 * memory: there is no memory isolation here); gfx_backend_direct_adopt()
 * opens one from them.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"
#include "backend.h"

#define SETUP_TIMEOUT_MS 3000

struct direct {
	struct gfx_backend b;
	int sock, shm_fd;
	unsigned int vectors;
	int kick_fd[GFX_MAX_CONTEXTS];	/* [context]: its doorbell */
	int irq_fd[GFX_MAX_CONTEXTS];	/* [context]: its interrupt */
	unsigned int nkick, nirq;
	int64_t own_id;
};

/* Receive one message; *fd gets its fd or -1. 1 = got one, 0 = EOF, <0 = -errno. */
static int recv_msg(int sock, int64_t *val, int *fd, int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	uint8_t bytes[8];
	size_t got = 0;

	*fd = -1;
	while (got < sizeof(bytes)) {
		struct iovec iov = { bytes + got, sizeof(bytes) - got };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		struct cmsghdr *c;
		ssize_t n;
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				int nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int), k;
				int *fds = (int *)CMSG_DATA(c);

				for (k = 0; k < nfd; k++) {
					if (*fd < 0)
						*fd = fds[k];
					else
						close(fds[k]);
				}
			}
		}
		got += (size_t)n;
	}
	*val = (int64_t)((uint64_t)bytes[0] | (uint64_t)bytes[1] << 8 | (uint64_t)bytes[2] << 16 |
			 (uint64_t)bytes[3] << 24 | (uint64_t)bytes[4] << 32 |
			 (uint64_t)bytes[5] << 40 | (uint64_t)bytes[6] << 48 |
			 (uint64_t)bytes[7] << 56);
	return 1;
}

static void direct_kick(struct gfx_backend *b)
{
	struct direct *d = (struct direct *)b;
	uint64_t one = 1;

	(void)!write(d->kick_fd[b->context], &one, sizeof(one));
}

/* The socket only speaks again to announce peers; EOF or an error = device gone. */
static int check_socket(struct direct *d)
{
	int64_t val;
	int fd, r;

	for (;;) {
		struct pollfd pfd = { .fd = d->sock, .events = POLLIN };

		if (poll(&pfd, 1, 0) <= 0)
			return 0;
		if (pfd.revents & (POLLHUP | POLLERR))
			return -ENODEV;
		r = recv_msg(d->sock, &val, &fd, 0);
		if (r <= 0)
			return -ENODEV;
		if (fd >= 0)
			close(fd);	/* other peers: none we talk to */
	}
}

static int direct_take_irq(struct gfx_backend *b, uint64_t *irq_ns)
{
	struct direct *d = (struct direct *)b;
	uint64_t n;

	*irq_ns = 0;
	if (read(d->irq_fd[b->context], &n, sizeof(n)) != sizeof(n)) {
		/* Woken without an interrupt: it can only be the socket (a client has none). */
		if (d->sock >= 0 && check_socket(d) < 0)
			return -ENODEV;
	}
	return (int)__atomic_exchange_n((uint32_t *)(b->regs + GFX_REG_IRQ_CAUSE), 0,
					__ATOMIC_ACQ_REL);
}

static void direct_irq_master(struct gfx_backend *b, int on)
{
	__atomic_store_n((uint32_t *)(b->regs + GFX_REG_IRQ_MASTER), on ? 1u : 0u,
			 __ATOMIC_RELEASE);
}

static int dup_fd(int fd)
{
	return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* Hand out context ctx: VRAM (all of it: no isolation on the host), its two eventfds. */
static int direct_export(struct gfx_backend *b, uint32_t ctx, struct gfx_context_handle *h,
			 char *err, size_t err_len)
{
	struct direct *d = (struct direct *)b;

	if (ctx == GFX_MASTER_CONTEXT || ctx >= d->vectors) {
		snprintf(err, err_len, "no client context %u (the device has %u)", ctx, d->vectors);
		return -EINVAL;
	}
	h->context = ctx;
	h->nfds = 3;
	h->fds[0] = dup_fd(d->shm_fd);
	h->fds[1] = dup_fd(d->kick_fd[ctx]);
	h->fds[2] = dup_fd(d->irq_fd[ctx]);
	if (h->fds[0] < 0 || h->fds[1] < 0 || h->fds[2] < 0) {
		snprintf(err, err_len, "cannot duplicate the context's fds: %s", strerror(errno));
		gfx_context_handle_close(h);
		return -EMFILE;
	}
	return 0;
}

static void direct_destroy(struct gfx_backend *b)
{
	struct direct *d = (struct direct *)b;

	if (b->bar2)
		munmap((void *)b->bar2, b->bar2_size);
	if (b->poll_fd >= 0)
		close(b->poll_fd);
	for (unsigned int i = 0; i < GFX_MAX_CONTEXTS; i++) {
		if (d->irq_fd[i] >= 0)
			close(d->irq_fd[i]);
		if (d->kick_fd[i] >= 0)
			close(d->kick_fd[i]);
	}
	if (d->shm_fd >= 0)
		close(d->shm_fd);
	if (d->sock >= 0)
		close(d->sock);
	free(d);
}

static int fail(struct direct *d, int r, char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail(struct direct *d, int r, char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	direct_destroy(&d->b);
	return r;
}

/* Map the shared memory (BAR2); the register page tells how many vectors follow. */
static int map_memory(struct direct *d, const char *path, char *err, size_t len)
{
	struct stat st;
	void *map;

	if (fstat(d->shm_fd, &st) < 0 || st.st_size < GFX_REG_AREA_SIZE) {
		snprintf(err, len, "%s: bad shared memory", path);
		return -EPROTO;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, d->shm_fd, 0);
	if (map == MAP_FAILED) {
		snprintf(err, len, "%s: cannot map VRAM: %s", path, strerror(errno));
		return -errno;
	}
	d->b.bar2 = map;
	d->b.bar2_size = (uint64_t)st.st_size;
	d->vectors = *(volatile uint32_t *)(d->b.bar2 + GFX_REG_CONTEXT_COUNT);
	if (d->vectors == 0)
		d->vectors = 1;		/* a version 1 device: one vector (read_identity refuses it) */
	if (d->vectors > GFX_MAX_CONTEXTS) {
		snprintf(err, len, "%s: bad CONTEXT_COUNT %u", path, d->vectors);
		return -EPROTO;
	}
	return 0;
}

/* The first three messages: version (or a refusal), our id, the memory. */
static int handshake_start(struct direct *d, const char *path, char *err, size_t len)
{
	int64_t val;
	int fd, r;

	for (int step = 0; step < 3; step++) {
		r = recv_msg(d->sock, &val, &fd, SETUP_TIMEOUT_MS);
		if (r <= 0) {
			snprintf(err, len, "%s: %s", path, r == 0 && step == 0 ?
				 "the device closed the connection at once" : r == 0 ?
				 "setup failed: connection closed" : strerror(-r));
			return r == 0 ? -ECONNRESET : r;
		}
		if (step == 2 && val == -1 && fd >= 0) {
			d->shm_fd = fd;
			break;
		}
		if (fd >= 0)
			close(fd);
		if (step == 0 && val == -EBUSY) {
			snprintf(err, len, "%s: device busy: another driver is connected", path);
			return -EBUSY;
		}
		if ((step == 0 && val != 0) || step == 2) {
			snprintf(err, len, step == 0 ? "%s: unknown ivshmem protocol version" :
				 "%s: expected the shared memory fd", path);
			return -EPROTO;
		}
		if (step == 1)
			d->own_id = val;
	}
	return map_memory(d, path, err, len);
}

/* Then the device's id with one doorbell per vector, our id with one interrupt per vector. */
static int handshake(struct direct *d, const char *path, char *err, size_t len)
{
	int64_t val;
	int fd, r = handshake_start(d, path, err, len);

	while (r == 0 && d->nirq < d->vectors) {
		r = recv_msg(d->sock, &val, &fd, SETUP_TIMEOUT_MS);
		if (r <= 0) {
			snprintf(err, len, "%s: setup failed: %s", path,
				 r == 0 ? "connection closed" : strerror(-r));
			return r == 0 ? -ECONNRESET : r;
		}
		r = 0;
		if (fd < 0)
			continue;	/* a peer id without fd: that peer left */
		if (val == d->own_id)
			d->irq_fd[d->nirq++] = fd;
		else if (d->nkick < d->vectors)
			d->kick_fd[d->nkick++] = fd;
		else
			close(fd);
	}
	if (r == 0 && d->nkick < d->vectors) {
		snprintf(err, len, "%s: the device sent %u doorbell eventfds for %u vectors", path,
			 d->nkick, d->vectors);
		return -EPROTO;
	}
	return r;
}

static struct direct *direct_alloc(void)
{
	struct direct *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->sock = d->shm_fd = d->b.poll_fd = -1;
	for (unsigned int i = 0; i < GFX_MAX_CONTEXTS; i++)
		d->kick_fd[i] = d->irq_fd[i] = -1;
	d->b.name = "direct";
	d->b.kick = direct_kick;
	d->b.take_irq = direct_take_irq;
	d->b.irq_master = direct_irq_master;
	d->b.destroy = direct_destroy;
	return d;
}

/* poll_fd: the context's interrupt eventfd, and the socket if we have one. */
static int make_poll_fd(struct direct *d, char *err, size_t err_len)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int irq_fd = d->irq_fd[d->b.context];

	/* Only we read our interrupt eventfd, so non-blocking is safe to set. */
	fcntl(irq_fd, F_SETFL, fcntl(irq_fd, F_GETFL) | O_NONBLOCK);
	d->b.poll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->b.poll_fd < 0)
		goto fail;
	ev.data.fd = irq_fd;
	if (epoll_ctl(d->b.poll_fd, EPOLL_CTL_ADD, irq_fd, &ev) < 0)
		goto fail;
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.fd = d->sock;
	if (d->sock >= 0 && epoll_ctl(d->b.poll_fd, EPOLL_CTL_ADD, d->sock, &ev) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, err_len, "epoll: %s", strerror(errno));
	return -errno;
}

int gfx_backend_direct_open(const char *socket_path, struct gfx_backend **out, char *err,
			    size_t err_len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct direct *d;
	int r;

	*out = NULL;
	if (strlen(socket_path) >= sizeof(addr.sun_path)) {
		snprintf(err, err_len, "socket path too long: %s", socket_path);
		return -ENAMETOOLONG;
	}
	d = direct_alloc();
	if (!d) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	d->b.export_context = direct_export;
	strcpy(addr.sun_path, socket_path);
	d->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->sock < 0 || connect(d->sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		r = -errno;
		return fail(d, r, err, err_len, "cannot connect to gfx-device at %s: %s%s",
			    socket_path, strerror(-r),
			    r == -ENOENT || r == -ECONNREFUSED ? " (is gfx-device running?)" : "");
	}
	r = handshake(d, socket_path, err, err_len);
	if (r == 0) {
		d->b.context = GFX_MASTER_CONTEXT;
		d->b.regs = d->b.bar2 + GFX_CTX_PAGE(GFX_MASTER_CONTEXT);
		r = make_poll_fd(d, err, err_len);
	}
	if (r < 0) {
		direct_destroy(&d->b);
		return r;
	}
	*out = &d->b;
	return 0;
}

/* A client context on the host: the master's memory and this context's two eventfds. */
int gfx_backend_direct_adopt(struct gfx_context_handle *h, struct gfx_backend **out, char *err,
			     size_t err_len)
{
	struct direct *d = direct_alloc();
	int r;

	*out = NULL;
	if (!d) {
		gfx_context_handle_close(h);
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	d->shm_fd = h->fds[0];
	d->kick_fd[h->context] = h->fds[1];
	d->irq_fd[h->context] = h->fds[2];
	h->nfds = 0;	/* ours now */
	r = map_memory(d, "direct context", err, err_len);
	if (r == 0 && h->context >= d->vectors) {
		snprintf(err, err_len, "context %u does not exist (the device has %u)", h->context,
			 d->vectors);
		r = -EINVAL;
	}
	if (r == 0) {
		d->b.context = h->context;
		d->b.regs = d->b.bar2 + GFX_CTX_PAGE(h->context);
		r = make_poll_fd(d, err, err_len);
	}
	if (r < 0) {
		direct_destroy(&d->b);
		return r;
	}
	*out = &d->b;
	return 0;
}
