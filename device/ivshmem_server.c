// SPDX-License-Identifier: MIT
/*
 * ivshmem_server.c - serves the ivshmem server protocol to one driver.
 *
 * On connect: version 0; the client's id; -1 with the shared memory fd;
 * the device peer's id once per vector with the eventfd the client rings
 * (the doorbell of that vector's context); the client's own id once per
 * vector with the eventfd the device writes (that context's interrupt).
 * There is one vector per hardware context. Each message is an int64
 * little-endian, optionally carrying one fd by SCM_RIGHTS. QEMU's
 * ivshmem-doorbell (vectors=N) and libgfx's direct backend read exactly this.
 *
 * A second driver gets -EBUSY instead of the version and is closed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ivshmem_server.h"
#include "command_processor.h"

static int send_msg(int sock, int64_t value, int fd)
{
	struct msghdr msg = { 0 };
	struct iovec iov = { &value, sizeof(value) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;

	/* The protocol is little-endian; so is every host this runs on (x86, arm64 LE). */
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *cmsg;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);

		if (n == (ssize_t)sizeof(value))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

static void refuse(struct device *d, int sock)
{
	/* A clear answer instead of a hang: QEMU prints "server sent version -16". */
	send_msg(sock, -EBUSY, -1);
	close(sock);
	atomic_fetch_add(&d->stat_refused, 1);
	fprintf(stderr, "gfx-device: refused a second driver (one driver at a time)\n");
}

static int handshake(struct device *d, int sock, const int *kick_fd, const int *irq_fd)
{
	unsigned int n = d->cfg.contexts;

	if (send_msg(sock, IVSHMEM_PROTOCOL_VERSION, -1) < 0 ||
	    send_msg(sock, IVSHMEM_CLIENT_ID, -1) < 0 ||
	    send_msg(sock, -1, d->shm_fd) < 0)
		return -1;
	for (unsigned int v = 0; v < n; v++)
		if (send_msg(sock, IVSHMEM_DEVICE_ID, kick_fd[v]) < 0)
			return -1;
	for (unsigned int v = 0; v < n; v++)
		if (send_msg(sock, IVSHMEM_CLIENT_ID, irq_fd[v]) < 0)
			return -1;
	return 0;
}

static void close_fds(int *fd, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (fd[i] >= 0)
			close(fd[i]);
		fd[i] = -1;
	}
}

/* Fresh eventfds per connection, two per vector: nothing stale leaks from the last driver. */
static int make_eventfds(int *kick_fd, int *irq_fd, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		kick_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		irq_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (kick_fd[i] < 0 || irq_fd[i] < 0) {
			fprintf(stderr, "gfx-device: eventfd: %s\n", strerror(errno));
			close_fds(kick_fd, i + 1);
			close_fds(irq_fd, i + 1);
			return -1;
		}
	}
	return 0;
}

void ivshmem_accept(struct device *d, int listen_fd)
{
	int sock = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	int kick_fd[GFX_MAX_CONTEXTS], irq_fd[GFX_MAX_CONTEXTS];
	bool busy;

	if (sock < 0)
		return;
	pthread_mutex_lock(&d->conn_lock);
	busy = d->connected;
	pthread_mutex_unlock(&d->conn_lock);
	if (busy) {
		refuse(d, sock);
		return;
	}
	if (make_eventfds(kick_fd, irq_fd, d->cfg.contexts) < 0) {
		close(sock);
		return;
	}
	/* Reset the device for the new driver before it can see the memory. */
	pthread_mutex_lock(&d->conn_lock);
	d->connected = true;
	d->client_sock = sock;
	for (unsigned int i = 0; i < d->cfg.contexts; i++) {
		d->ctx[i].kick_fd = kick_fd[i];
		d->ctx[i].irq_fd = irq_fd[i];
	}
	__atomic_add_fetch(&d->conn_gen, 1, __ATOMIC_RELEASE);	/* the CP peeks at it unlocked */
	pthread_mutex_unlock(&d->conn_lock);
	cp_sync_with_connection(d);

	if (handshake(d, sock, kick_fd, irq_fd) < 0) {
		fprintf(stderr, "gfx-device: driver left during the handshake\n");
		ivshmem_disconnect(d);
		return;
	}
	atomic_fetch_add(&d->stat_connections, 1);
	fprintf(stderr, "gfx-device: driver connected\n");
}

void ivshmem_disconnect(struct device *d)
{
	int sock, kick_fd[GFX_MAX_CONTEXTS];
	unsigned int n = d->cfg.contexts;

	pthread_mutex_lock(&d->conn_lock);
	if (!d->connected) {
		pthread_mutex_unlock(&d->conn_lock);
		return;
	}
	d->connected = false;
	for (unsigned int i = 0; i < n; i++) {
		close(d->ctx[i].irq_fd);	/* under conn_lock: no interrupt is being written */
		d->ctx[i].irq_fd = -1;
		kick_fd[i] = d->ctx[i].kick_fd;
		d->ctx[i].kick_fd = -1;
	}
	sock = d->client_sock;
	d->client_sock = -1;
	__atomic_add_fetch(&d->conn_gen, 1, __ATOMIC_RELEASE);	/* the CP peeks at it unlocked */
	pthread_mutex_unlock(&d->conn_lock);
	/* The CP stops the rings and stops polling the kick fds before we close them. */
	cp_sync_with_connection(d);
	close_fds(kick_fd, n);
	close(sock);
}

void ivshmem_client_event(struct device *d)
{
	char buf[256];
	ssize_t n = recv(d->client_sock, buf, sizeof(buf), MSG_DONTWAIT);

	/* Clients never send anything in this protocol: drain and ignore. */
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
		return;
	fprintf(stderr, "gfx-device: driver disconnected; ring stopped, interrupts off\n");
	ivshmem_disconnect(d);
}
