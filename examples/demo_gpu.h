/* SPDX-License-Identifier: MIT */
/*
 * demo_gpu.h - gfx-demo-client --gpu: the animation drawn by the GPU with
 * the client's own context (or render node), in VRAM buffers shown with no
 * copy (libgfx's Wayland add-on, gfx-wayland.h).
 */
#ifndef EXAMPLES_DEMO_GPU_H
#define EXAMPLES_DEMO_GPU_H

#include <stddef.h>
#include <wayland-client.h>

struct demo_gpu;

/* The GPU for this connection and nbuf w x h buffers; NULL with a message in err. */
struct demo_gpu *demo_gpu_create(struct wl_display *dpy, int w, int h, int nbuf, char *err, size_t len);
struct wl_buffer *demo_gpu_buffer(struct demo_gpu *g, int i);
/* "context" or "dma-buf": how the buffers reach the compositor. */
const char *demo_gpu_path(struct demo_gpu *g);
/*
 * Draw the frame for time t (s) into buffer i with GPU commands, submit, and
 * name its fence for surface's next commit; 0 or -errno.
 */
int demo_gpu_draw(struct demo_gpu *g, int i, double t, unsigned hue, struct wl_surface *surface);
void demo_gpu_destroy(struct demo_gpu *g);

#endif /* EXAMPLES_DEMO_GPU_H */
