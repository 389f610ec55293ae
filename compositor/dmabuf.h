/* SPDX-License-Identifier: MIT */
/*
 * dmabuf.h - zwp_linux_dmabuf_v1 (version 4) on the kernel's DRM driver:
 * clients' GEM buffers, exported as dma-bufs, imported and composited with
 * no copy.
 */
#ifndef COMPOSITOR_DMABUF_H
#define COMPOSITOR_DMABUF_H

struct server;

#define DMABUF_VERSION 4

/* Offered only when the compositor's GPU is driven by gfx_drm. */
void dmabuf_init(struct server *s);

#endif /* COMPOSITOR_DMABUF_H */
