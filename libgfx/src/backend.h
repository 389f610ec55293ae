/* SPDX-License-Identifier: MIT */
/*
 * backend.h - the seam between libgfx's core and the way it reaches the GPU.
 *
 * A backend maps BAR2 (register page + VRAM), rings the doorbell and waits
 * for interrupts. Everything else (ring, fences, allocator, display) is in
 * the core and is the same for every backend.
 */
#ifndef GFX_BACKEND_H
#define GFX_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct gfx_backend {
	const char *name;		/* "direct" or "uio" */
	volatile uint8_t *bar2;		/* register page at 0, VRAM after it */
	uint64_t bar2_size;
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
	void (*destroy)(struct gfx_backend *b);
};

/* Each returns 0 or a negative errno, with a readable message in err. */
int gfx_backend_direct_open(const char *socket_path, struct gfx_backend **out,
			    char *err, size_t err_len);
int gfx_backend_uio_open(const char *dev_path, struct gfx_backend **out,
			 char *err, size_t err_len);
/* The first /sys/class/uio device named uio_gfx as "/dev/uioN", or -ENOENT. */
int gfx_backend_uio_find(char *path, size_t path_len);

#endif /* GFX_BACKEND_H */
