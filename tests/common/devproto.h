/* SPDX-License-Identifier: MIT */
/*
 * devproto.h - gfx-device at the protocol level, for device tests that do
 * without libgfx: start the build's gfx-device, speak the ivshmem server
 * protocol to it (one doorbell and one interrupt eventfd per context), and
 * drive a context's ring with plain stores into the shared memory.
 */
#ifndef TEST_DEVPROTO_H
#define TEST_DEVPROTO_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "gfx_hw.h"

struct dp_device {
	pid_t pid;			/* gfx-device, -1 if none */
	char bin[PATH_MAX + 16];	/* build/bin */
	char dir[64], sock[96];
	int sock_fd, shm_fd;
	uint8_t *bar2;
	uint64_t size;
	unsigned int vectors;		/* one per context */
	int kick_fd[GFX_MAX_CONTEXTS], irq_fd[GFX_MAX_CONTEXTS];
};

/* One context as a test drives it: its page, its vector, a ring of ours. */
struct dp_ctx {
	struct dp_device *dev;
	unsigned int id;
	uint8_t *regs;
	int kick_fd, irq_fd;
	uint32_t ring_base, ring_size, tail;
	uint64_t fence_seq;
};

/* build/bin from /proc/self/exe (build/tests/NAME), a temp dir, the socket path. */
int dp_init(struct dp_device *d);
/* Start gfx-device --socket d->sock ARGS... (NULL-terminated); 0 once its control socket exists. */
int dp_start(struct dp_device *d, const char *const *args);
/* Kill it (SIGTERM), wait; its exit status. */
int dp_stop(struct dp_device *d);
int dp_connect_socket(const struct dp_device *d);
int dp_recv_msg(int sock, int64_t *value, int *fd);
/* Connect and run the whole handshake, checked message by message: 0 or a negative step number. */
int dp_connect(struct dp_device *d);
/* Close the connection and unmap (keep_map: leave d->bar2 mapped for the caller to inspect and unmap). */
void dp_disconnect(struct dp_device *d, bool keep_map);
/* gfx-ctl ARGS on the device: its exit status. */
int dp_ctl(const struct dp_device *d, const char *args);

void dp_ctx_init(struct dp_ctx *c, struct dp_device *d, unsigned int id, uint32_t ring_base,
		 uint32_t ring_size);
static inline _Atomic uint32_t *dp_r32(const struct dp_ctx *c, uint32_t off)
{
	return (_Atomic uint32_t *)(void *)(c->regs + off);
}
static inline uint32_t dp_rd(const struct dp_ctx *c, uint32_t off) { return atomic_load(dp_r32(c, off)); }
static inline uint64_t dp_rd64(const struct dp_ctx *c, uint32_t off)
{
	return atomic_load((_Atomic uint64_t *)(void *)(c->regs + off));
}
static inline void dp_wr(const struct dp_ctx *c, uint32_t off, uint32_t v) { atomic_store(dp_r32(c, off), v); }
void dp_kick(const struct dp_ctx *c);
/* RING_BASE/SIZE, tail 0, RING_ENABLE, doorbell. */
void dp_ring_start(struct dp_ctx *c);
/* Store words at the tail (wrapping), publish it, ring; the byte offset of the first word. */
uint32_t dp_emit(struct dp_ctx *c, const uint32_t *w, unsigned int n);
uint64_t dp_fence(struct dp_ctx *c, bool irq);
void dp_set_surface(struct dp_ctx *c, unsigned int slot, uint32_t off, uint32_t w, uint32_t h,
		    uint32_t stride, uint32_t fmt);
/* Wait (polling every 200 us) until FENCE_DONE reaches seq. */
bool dp_wait_fence(const struct dp_ctx *c, uint64_t seq, int timeout_ms);
bool dp_finish(struct dp_ctx *c, int timeout_ms);
/* Wait until STATUS has the bits. */
bool dp_wait_status(const struct dp_ctx *c, uint32_t bits, int timeout_ms);
/* CTRL_RESET, wait for the device to clear it, continue at its tail. */
void dp_reset(struct dp_ctx *c);
/* Drain the context's interrupt eventfd. */
void dp_drain_irq(const struct dp_ctx *c);
uint64_t dp_now_ns(void);

#endif /* TEST_DEVPROTO_H */
