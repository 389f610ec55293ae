/* SPDX-License-Identifier: MIT */
/*
 * vram_buffer.h - wl_buffers whose pixels already are in VRAM: a client's
 * buffer in its hardware context's window (gpu_context.c) or an imported
 * dma-buf (dmabuf.c). A surface shows one without a copy: its content is the
 * buffer itself. The buffer object stays valid while the wl_buffer lives or
 * a surface shows it (a reference each); wl_buffer.release is sent once the
 * last frame that read it has passed on the GPU.
 */
#ifndef COMPOSITOR_VRAM_BUFFER_H
#define COMPOSITOR_VRAM_BUFFER_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>

#include "gfx.h"

struct server;

struct vram_buffer {
	struct wl_resource *resource;	/* NULL once the client destroyed it */
	struct server *server;
	struct gfx_bo *bo;		/* the pixels, for the compositor's GPU commands */
	bool alpha;
	/*
	 * The hardware context whose fences say the pixels are drawn (acquire
	 * points): a gfx_context_v1 buffer's, or a dma-buf of a user-mode
	 * queue's window; 0 for a buffer the kernel's ring orders.
	 */
	uint32_t context;
	int refs;
	/* What keeps the memory the client's: a context reference, or the imported object. */
	void (*put)(struct vram_buffer *vb);
	void *owner;
	uint64_t release_fence;		/* pending wl_buffer.release after this fence */
	struct wl_list release_link;	/* server's retiring list, else empty */
};

/*
 * Make the wl_buffer resource (id, by client) for vb with the given
 * implementation's destroy request handled here; vb->refs becomes 1.
 */
bool vram_buffer_init(struct vram_buffer *vb, struct server *s, struct wl_client *client, uint32_t id);
/* The vram_buffer behind a wl_buffer, or NULL for any other (wl_shm) buffer. */
struct vram_buffer *vram_buffer_from_resource(struct wl_resource *buffer);
void vram_buffer_ref(struct vram_buffer *vb);
void vram_buffer_unref(struct vram_buffer *vb);
/* A surface stopped showing it; the GPU may read it until fence: release after that. */
void vram_buffer_retire(struct vram_buffer *vb, uint64_t fence);
/* Send the releases whose fences have passed (each frame, and at shutdown with all=true). */
void vram_buffer_release_passed(struct server *s, bool all);

#endif /* COMPOSITOR_VRAM_BUFFER_H */
