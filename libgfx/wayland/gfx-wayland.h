/* SPDX-License-Identifier: MIT */
/*
 * gfx-wayland.h - the GPU for a Wayland client: libgfx's add-on for the
 * compositor's protocols (libgfx itself knows nothing of Wayland).
 *
 * gfxwl_connect() asks the compositor for a hardware context of the
 * client's own (protocol/gfx-context-v1.xml; the compositor passes its fds)
 * and opens it with libgfx; on a GPU driven by the kernel's DRM driver,
 * where the compositor offers zwp_linux_dmabuf_v1 instead, it opens the
 * render node (with GFX_WL_QUEUE=1, a user-mode queue of its own there,
 * whose fences the compositor waits for as a context's). The client then
 * renders with the whole libgfx API into its buffers (gfx_bo_create: VRAM
 * in its window), makes wl_buffers of them (gfxwl_buffer: no copy, on any
 * path) and names the fence each commit's buffer waits for
 * (gfxwl_set_fence). Built as build/lib/libgfx-wayland.a.
 */
#ifndef GFX_WAYLAND_H
#define GFX_WAYLAND_H

#include <stdint.h>
#include <wayland-client.h>

#include "gfx.h"

struct gfxwl;

enum gfxwl_path {
	GFXWL_CONTEXT,		/* a hardware context of our own (uio, or the host's direct connection) */
	GFXWL_DMABUF,		/* a render node and dma-buf (drm) */
	GFXWL_USERQ,		/* a user-mode queue on the render node, dma-buf of its window (drm) */
};

/*
 * Bind the compositor's GPU protocol on display and open the GPU: 0, or a
 * negative errno with gfxwl_error() saying why (no such global, no free
 * context, the context or node would not open).
 */
int gfxwl_connect(struct wl_display *display, struct gfxwl **out);
/* The message of the last failure of gfxwl_connect (per thread). */
const char *gfxwl_error(void);
struct gfx_device *gfxwl_device(struct gfxwl *w);
enum gfxwl_path gfxwl_path(struct gfxwl *w);
/* A wl_buffer showing bo, a buffer of gfxwl_device(); NULL with libgfx's message on failure. */
struct wl_buffer *gfxwl_buffer(struct gfxwl *w, const struct gfx_bo *bo);
/*
 * The next commit of surface shows a buffer the GPU finishes at fence seqno
 * (from gfx_fence): on a context or queue the compositor waits for it
 * before it reads the buffer; on the render node's dma-buf the kernel's
 * ring orders the jobs already.
 * Submit before committing. 0 or -errno.
 */
int gfxwl_set_fence(struct gfxwl *w, struct wl_surface *surface, uint64_t seqno);
/* Before the surface goes: its fence object goes too. */
void gfxwl_forget_surface(struct gfxwl *w, struct wl_surface *surface);
/* Closes the device; the wl_buffers made are the caller's to destroy first. */
void gfxwl_destroy(struct gfxwl *w);

#endif /* GFX_WAYLAND_H */
