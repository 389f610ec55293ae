/* SPDX-License-Identifier: MIT */
/*
 * backend.h - the seam between libgfx's core and the way it reaches the GPU.
 *
 * A backend maps BAR2 (register area + VRAM), or the part of it one
 * hardware context may reach, rings that context's doorbell and waits for
 * its interrupts. Everything else (ring, fences, allocator, display) is in
 * the core and is the same for every backend.
 */
#ifndef GFX_BACKEND_H
#define GFX_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "gfx_hw.h"

struct gfx_context_handle;

struct gfx_backend {
	const char *name;		/* "direct", "uio" or "drm-userq" */
	/*
	 * BAR2 at its own offsets: the register area at 0, VRAM after it. A
	 * client context on uio has only its window mapped in this range.
	 */
	volatile uint8_t *bar2;
	uint64_t bar2_size;
	volatile uint8_t *regs;		/* this context's register page */
	uint32_t context;		/* which context: GFX_MASTER_CONTEXT or a client */
	int poll_fd;			/* POLLIN on interrupt; POLLERR/POLLHUP when the device is gone */

	/* Tell the device the tail or CONTROL changed: one doorbell write. */
	void (*kick)(struct gfx_backend *b);
	/*
	 * Consume the pending wake-up on poll_fd without blocking and return
	 * the interrupt causes seen since the last call (GFX_IRQ_*), or
	 * -ENODEV when the device is gone. *irq_ns gets the kernel timestamp
	 * of the last interrupt when the backend has one, else 0.
	 */
	int (*take_irq)(struct gfx_backend *b, uint64_t *irq_ns);
	/* Stop interrupts from reaching this process (1) or let them through (0). */
	void (*irq_master)(struct gfx_backend *b, int on);
	/*
	 * The master's: what another process needs to open client context ctx
	 * (gfx_open_context), or -EBUSY if it is in use (uio: some process still
	 * holds its node), with a message in err.
	 */
	int (*export_context)(struct gfx_backend *b, uint32_t ctx, struct gfx_context_handle *h,
			      char *err, size_t err_len);
	/*
	 * The master's, where the backend can enforce it (uio; NULL on direct):
	 * take client context ctx back from its holder before it is reset. Its
	 * mappings go (the holder's next access is a SIGBUS) and it stays busy
	 * for export_context until the holder has closed it. 0 or -errno.
	 */
	int (*revoke_context)(struct gfx_backend *b, uint32_t ctx);
	/*
	 * A user-mode queue's (drm-userq; NULL elsewhere): a new dma-buf fd of
	 * the context's whole window, which the kernel keeps as a GEM object,
	 * for another process of the same GPU. 0 or -errno, with a message in err.
	 */
	int (*export_window)(struct gfx_backend *b, int *fd, char *err, size_t err_len);
	/*
	 * A user-mode queue's (drm-userq; NULL elsewhere): a sync_file fd for
	 * the context's FENCE seqno, which is in the ring, doorbell rung, with
	 * an interrupt at or after it. 0 or -errno, with a message in err.
	 */
	int (*export_fence)(struct gfx_backend *b, uint64_t seqno, int *fd, char *err, size_t err_len);
	void (*destroy)(struct gfx_backend *b);
};

/* One doorbell store; the ring and register stores (write-combined) go before it (uncached). */
static inline void gfx_doorbell_ring(volatile uint32_t *doorbell, uint32_t value)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*doorbell = value;
}

/*
 * The causes an irq page (struct gfx_uio_irq_page: uio_gfx's, or a gfx_drm
 * user-mode queue's) shows since seen[] was last updated: each per-cause
 * counter that moved. The counters only grow, so wake-ups that coalesce
 * several interrupts lose nothing.
 */
static inline int gfx_irq_page_causes(const volatile struct gfx_uio_irq_page *p,
				      uint64_t seen[GFX_IRQ_NUM_CAUSES])
{
	int causes = 0;

	/* count is raised last by the handler: load it first (acquire). */
	(void)__atomic_load_n(&p->count, __ATOMIC_ACQUIRE);
	for (int i = 0; i < GFX_IRQ_NUM_CAUSES; i++) {
		uint64_t c = p->cause_count[i];

		if (c != seen[i]) {
			seen[i] = c;
			causes |= 1 << i;
		}
	}
	return causes;
}

/* Each returns 0 or a negative errno, with a readable message in err. */
int gfx_backend_direct_open(const char *socket_path, struct gfx_backend **out,
			    char *err, size_t err_len);
int gfx_backend_uio_open(const char *dev_path, struct gfx_backend **out,
			 char *err, size_t err_len);
/* The first /sys/class/uio device named uio_gfx as "/dev/uioN", or -ENOENT. */
int gfx_backend_uio_find(char *path, size_t path_len);
/* A client context from its handle's fds (taken: closed on failure too). */
int gfx_backend_direct_adopt(struct gfx_context_handle *h, struct gfx_backend **out,
			     char *err, size_t err_len);
int gfx_backend_uio_adopt(struct gfx_context_handle *h, struct gfx_backend **out,
			  char *err, size_t err_len);
/* A client context of this process's own, from gfx_drm's node at dev_path (a user-mode queue). */
int gfx_backend_userq_open(const char *dev_path, struct gfx_backend **out, char *err,
			   size_t err_len);

#endif /* GFX_BACKEND_H */
