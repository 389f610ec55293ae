/* SPDX-License-Identifier: MIT */
/*
 * backend_direct.c - reach gfx-device over its unix socket, as QEMU's
 * ivshmem-doorbell does (ivshmem server protocol, client side).
 *
 * The server sends int64 LE messages, each with at most one fd: version 0,
 * our peer id, -1 with the shared memory, then each other peer's id with an
 * eventfd per vector (the device's: our doorbell), then our own id with the
 * eventfd(s) we are rung on. A first message of -EBUSY means another driver
 * holds the device. poll_fd is an epoll set of our interrupt eventfd and the
 * socket, so a dead device (socket hang-up) wakes waiters too.
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

#define SETUP_TIMEOUT_MS 3000

struct direct {
	struct gfx_backend b;
	int sock, shm_fd, kick_fd, irq_fd;
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

	(void)!write(d->kick_fd, &one, sizeof(one));
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
	if (read(d->irq_fd, &n, sizeof(n)) != sizeof(n)) {
		/* Woken without an interrupt: it can only be the socket. */
		if (check_socket(d) < 0)
			return -ENODEV;
	}
	return (int)__atomic_exchange_n((uint32_t *)(b->bar2 + GFX_REG_IRQ_CAUSE), 0,
					__ATOMIC_ACQ_REL);
}

static void direct_irq_master(struct gfx_backend *b, int on)
{
	__atomic_store_n((uint32_t *)(b->bar2 + GFX_REG_IRQ_MASTER), on ? 1u : 0u,
			 __ATOMIC_RELEASE);
}

static void direct_destroy(struct gfx_backend *b)
{
	struct direct *d = (struct direct *)b;

	if (b->bar2)
		munmap((void *)b->bar2, b->bar2_size);
	if (b->poll_fd >= 0)
		close(b->poll_fd);
	if (d->irq_fd >= 0)
		close(d->irq_fd);
	if (d->kick_fd >= 0)
		close(d->kick_fd);
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

/* Read the setup messages until our own interrupt eventfd arrived. */
static int handshake(struct direct *d, const char *path, char *err, size_t len)
{
	int64_t val;
	int fd, r, step = 0;

	for (;;) {
		r = recv_msg(d->sock, &val, &fd, SETUP_TIMEOUT_MS);
		if (r == 0 && step == 0) {
			snprintf(err, len, "%s: the device closed the connection at once", path);
			return -ECONNRESET;
		}
		if (r <= 0) {
			snprintf(err, len, "%s: setup failed: %s", path,
				 r == 0 ? "connection closed" : strerror(-r));
			return r == 0 ? -ECONNRESET : r;
		}
		if (step == 0) {		/* protocol version, or a refusal */
			if (fd >= 0)
				close(fd);
			if (val == -EBUSY) {
				snprintf(err, len, "%s: device busy: another driver is connected", path);
				return -EBUSY;
			}
			if (val != 0) {
				snprintf(err, len, "%s: unknown ivshmem protocol version %lld", path,
					 (long long)val);
				return -EPROTO;
			}
		} else if (step == 1) {		/* our peer id */
			if (fd >= 0)
				close(fd);
			d->own_id = val;
		} else if (step == 2) {		/* the shared memory */
			if (val != -1 || fd < 0) {
				if (fd >= 0)
					close(fd);
				snprintf(err, len, "%s: expected the shared memory fd", path);
				return -EPROTO;
			}
			d->shm_fd = fd;
		} else if (fd < 0) {
			/* a peer id without fd: that peer left; nothing to do */
		} else if (val == d->own_id) {
			d->irq_fd = fd;		/* GFX_NUM_VECTORS == 1: we are done */
			return 0;
		} else if (d->kick_fd < 0) {
			d->kick_fd = fd;	/* the device's vector 0 */
		} else {
			close(fd);
		}
		step++;
	}
}

int gfx_backend_direct_open(const char *socket_path, struct gfx_backend **out, char *err,
			    size_t err_len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	struct direct *d;
	struct stat st;
	void *map;
	int r;

	*out = NULL;
	if (strlen(socket_path) >= sizeof(addr.sun_path)) {
		snprintf(err, err_len, "socket path too long: %s", socket_path);
		return -ENAMETOOLONG;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	d->sock = d->shm_fd = d->kick_fd = d->irq_fd = d->b.poll_fd = -1;
	d->b.name = "direct";
	d->b.kick = direct_kick;
	d->b.take_irq = direct_take_irq;
	d->b.irq_master = direct_irq_master;
	d->b.destroy = direct_destroy;

	strcpy(addr.sun_path, socket_path);
	d->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->sock < 0 || connect(d->sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		r = -errno;
		return fail(d, r, err, err_len, "cannot connect to gfx-device at %s: %s%s",
			    socket_path, strerror(-r),
			    r == -ENOENT || r == -ECONNREFUSED ? " (is gfx-device running?)" : "");
	}
	r = handshake(d, socket_path, err, err_len);
	if (r < 0) {
		direct_destroy(&d->b);
		return r;
	}
	if (d->kick_fd < 0)
		return fail(d, -EPROTO, err, err_len, "%s: the device sent no doorbell eventfd",
			    socket_path);
	if (fstat(d->shm_fd, &st) < 0 || st.st_size < GFX_REG_PAGE_SIZE)
		return fail(d, -EPROTO, err, err_len, "%s: bad shared memory", socket_path);
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, d->shm_fd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		return fail(d, r, err, err_len, "%s: cannot map VRAM: %s", socket_path,
			    strerror(-r));
	}
	d->b.bar2 = map;
	d->b.bar2_size = (uint64_t)st.st_size;

	/* Only we read our interrupt eventfd, so non-blocking is safe to set. */
	fcntl(d->irq_fd, F_SETFL, fcntl(d->irq_fd, F_GETFL) | O_NONBLOCK);
	d->b.poll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (d->b.poll_fd < 0)
		return fail(d, -errno, err, err_len, "epoll: %s", strerror(errno));
	ev.data.fd = d->irq_fd;
	if (epoll_ctl(d->b.poll_fd, EPOLL_CTL_ADD, d->irq_fd, &ev) < 0)
		return fail(d, -errno, err, err_len, "epoll: %s", strerror(errno));
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.fd = d->sock;
	if (epoll_ctl(d->b.poll_fd, EPOLL_CTL_ADD, d->sock, &ev) < 0)
		return fail(d, -errno, err, err_len, "epoll: %s", strerror(errno));
	*out = &d->b;
	return 0;
}
