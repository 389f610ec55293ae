// SPDX-License-Identifier: MIT
/* devproto.c - gfx-device at the protocol level (devproto.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devproto.h"

uint64_t dp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int dp_init(struct dp_device *d)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	memset(d, 0, sizeof(*d));
	d->pid = -1;
	d->sock_fd = d->shm_fd = -1;
	for (unsigned int i = 0; i < GFX_MAX_CONTEXTS; i++)
		d->kick_fd[i] = d->irq_fd[i] = -1;
	if (n <= 0)
		return -1;
	self[n] = 0;
	*strrchr(self, '/') = 0;
	snprintf(d->bin, sizeof(d->bin), "%s/../bin", self);
	snprintf(d->dir, sizeof(d->dir), "/tmp/gfx-devtest-XXXXXX");
	if (!mkdtemp(d->dir))
		return -1;
	snprintf(d->sock, sizeof(d->sock), "%s/gpu.sock", d->dir);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int dp_start(struct dp_device *d, const char *const *args)
{
	char exe[PATH_MAX + 32], ctl[160];
	const char *argv[32] = { exe, "--socket", d->sock };
	unsigned int n = 3;

	snprintf(exe, sizeof(exe), "%s/gfx-device", d->bin);
	for (; args && *args && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	d->pid = fork();
	if (d->pid == 0) {
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	snprintf(ctl, sizeof(ctl), "%s.ctl", d->sock);
	for (int i = 0; i < 500; i++) {
		struct stat st;

		if (stat(ctl, &st) == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

int dp_stop(struct dp_device *d)
{
	int status = -1;

	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		waitpid(d->pid, &status, 0);
	}
	d->pid = -1;
	return status;
}

int dp_recv_msg(int sock, int64_t *value, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { value, sizeof(*value) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);

	*fd = -1;
	if (n != sizeof(*value))
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return 0;
}

int dp_connect_socket(const struct dp_device *d)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 5, 0 };

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", d->sock);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Version, id, memory (mapped at once: CONTEXT_COUNT says how many vectors follow). */
static int connect_start(struct dp_device *d)
{
	struct stat st;
	int64_t v;
	int fd;

	d->sock_fd = dp_connect_socket(d);
	if (d->sock_fd < 0)
		return -1;
	if (dp_recv_msg(d->sock_fd, &v, &fd) || v != 0 || fd != -1)
		return -2;
	if (dp_recv_msg(d->sock_fd, &v, &fd) || v != 1 || fd != -1)
		return -3;
	if (dp_recv_msg(d->sock_fd, &v, &d->shm_fd) || v != -1 || d->shm_fd < 0)
		return -4;
	if (fstat(d->shm_fd, &st) < 0)
		return -5;
	d->size = (uint64_t)st.st_size;
	d->bar2 = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->shm_fd, 0);
	if (d->bar2 == MAP_FAILED) {
		d->bar2 = NULL;
		return -6;
	}
	d->vectors = *(volatile uint32_t *)(d->bar2 + GFX_REG_CONTEXT_COUNT);
	return d->vectors >= 1 && d->vectors <= GFX_MAX_CONTEXTS ? 0 : -7;
}

int dp_connect(struct dp_device *d)
{
	int64_t v;
	int r = connect_start(d);

	if (r)
		return r;
	for (unsigned int i = 0; i < d->vectors; i++)
		if (dp_recv_msg(d->sock_fd, &v, &d->kick_fd[i]) || v != 0 || d->kick_fd[i] < 0)
			return -8;
	for (unsigned int i = 0; i < d->vectors; i++) {
		if (dp_recv_msg(d->sock_fd, &v, &d->irq_fd[i]) || v != 1 || d->irq_fd[i] < 0)
			return -9;
		fcntl(d->irq_fd[i], F_SETFL, O_NONBLOCK);
	}
	return 0;
}

void dp_disconnect(struct dp_device *d, bool keep_map)
{
	if (d->bar2 && !keep_map)
		munmap(d->bar2, d->size);
	if (!keep_map)
		d->bar2 = NULL;
	if (d->sock_fd >= 0)
		close(d->sock_fd);
	if (d->shm_fd >= 0)
		close(d->shm_fd);
	for (unsigned int i = 0; i < GFX_MAX_CONTEXTS; i++) {
		if (d->kick_fd[i] >= 0)
			close(d->kick_fd[i]);
		if (d->irq_fd[i] >= 0)
			close(d->irq_fd[i]);
		d->kick_fd[i] = d->irq_fd[i] = -1;
	}
	d->sock_fd = d->shm_fd = -1;
}

int dp_ctl(const struct dp_device *d, const char *args)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "%s/gfx-ctl --socket %s %s >/dev/null", d->bin, d->sock, args);
	return system(cmd);
}

void dp_ctx_init(struct dp_ctx *c, struct dp_device *d, unsigned int id, uint32_t ring_base,
		 uint32_t ring_size)
{
	*c = (struct dp_ctx){ d, id, d->bar2 + GFX_CTX_PAGE(id), d->kick_fd[id], d->irq_fd[id],
			      ring_base, ring_size, 0, 0 };
	c->fence_seq = dp_rd64(c, GFX_REG_FENCE_DONE);	/* fences continue from the device's */
}

void dp_kick(const struct dp_ctx *c)
{
	uint64_t one = 1;

	if (write(c->kick_fd, &one, sizeof(one)) != sizeof(one))
		perror("kick");
}

void dp_ring_start(struct dp_ctx *c)
{
	dp_wr(c, GFX_REG_RING_BASE, c->ring_base);
	dp_wr(c, GFX_REG_RING_SIZE, c->ring_size);
	dp_wr(c, GFX_REG_RING_TAIL, 0);
	dp_wr(c, GFX_REG_CONTROL, GFX_CTRL_RING_ENABLE);
	c->tail = 0;
	dp_kick(c);
}

uint32_t dp_emit(struct dp_ctx *c, const uint32_t *w, unsigned int n)
{
	uint32_t at = c->tail;

	for (unsigned int i = 0; i < n; i++) {
		*(volatile uint32_t *)(c->dev->bar2 + c->ring_base + c->tail) = w[i];
		c->tail = (c->tail + 4) % c->ring_size;
	}
	atomic_store(dp_r32(c, GFX_REG_RING_TAIL), c->tail);
	dp_kick(c);
	return at;
}

uint64_t dp_fence(struct dp_ctx *c, bool irq)
{
	uint64_t s = ++c->fence_seq;
	uint32_t w[3] = { GFX_CMD(GFX_OP_FENCE, irq ? GFX_FENCE_IRQ : 0, 3), (uint32_t)s, (uint32_t)(s >> 32) };

	dp_emit(c, w, 3);
	return s;
}

void dp_set_surface(struct dp_ctx *c, unsigned int slot, uint32_t off, uint32_t w, uint32_t h,
		    uint32_t stride, uint32_t fmt)
{
	uint32_t cmd[6] = { GFX_CMD(GFX_OP_SET_SURFACE, slot, 6), off, w, h, stride, fmt };

	dp_emit(c, cmd, 6);
}

bool dp_wait_fence(const struct dp_ctx *c, uint64_t seq, int timeout_ms)
{
	uint64_t end = dp_now_ns() + (uint64_t)timeout_ms * 1000000;

	do {
		if (dp_rd64(c, GFX_REG_FENCE_DONE) >= seq)
			return true;
		usleep(200);
	} while (dp_now_ns() < end);
	return dp_rd64(c, GFX_REG_FENCE_DONE) >= seq;
}

bool dp_finish(struct dp_ctx *c, int timeout_ms)
{
	return dp_wait_fence(c, dp_fence(c, false), timeout_ms);
}

bool dp_wait_status(const struct dp_ctx *c, uint32_t bits, int timeout_ms)
{
	uint64_t end = dp_now_ns() + (uint64_t)timeout_ms * 1000000;

	do {
		if ((dp_rd(c, GFX_REG_STATUS) & bits) == bits)
			return true;
		usleep(200);
	} while (dp_now_ns() < end);
	return false;
}

void dp_reset(struct dp_ctx *c)
{
	uint64_t end = dp_now_ns() + 2000000000ull;

	atomic_fetch_or(dp_r32(c, GFX_REG_CONTROL), GFX_CTRL_RESET);
	dp_kick(c);
	while ((dp_rd(c, GFX_REG_CONTROL) & GFX_CTRL_RESET) && dp_now_ns() < end)
		usleep(200);
	c->tail = dp_rd(c, GFX_REG_RING_TAIL);
}

void dp_drain_irq(const struct dp_ctx *c)
{
	uint64_t v;

	while (read(c->irq_fd, &v, sizeof(v)) == sizeof(v))
		;
}
