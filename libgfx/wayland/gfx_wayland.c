/* SPDX-License-Identifier: MIT */
/*
 * gfx_wayland.c - libgfx's Wayland add-on for clients (gfx-wayland.h): a
 * hardware context from the compositor (gfx_context_v1), or the render node
 * and zwp_linux_dmabuf_v1 on drm; wl_buffers from VRAM buffers; fences.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gfx-wayland.h"
#include "gfx-context-v1-client-protocol.h"
#include "linux-dmabuf-unstable-v1-client-protocol.h"

#define MAX_SURFACES 16

struct fenced_surface {
	struct wl_surface *surface;
	struct gfx_context_surface_v1 *obj;
};

struct gfxwl {
	struct wl_display *display;
	struct wl_registry *registry;
	struct gfx_context_manager_v1 *manager;
	struct zwp_linux_dmabuf_v1 *dmabuf;
	struct gfx_context_v1 *context;
	struct gfx_context_handle handle;
	bool ready, failed;
	struct gfx_device *dev;
	enum gfxwl_path path;
	struct fenced_surface surfaces[MAX_SURFACES];
};

static __thread char error[256];

const char *gfxwl_error(void)
{
	return error;
}

static int fail(int r, const char *fmt, const char *arg)
{
	snprintf(error, sizeof(error), fmt, arg);
	return r;
}

static void on_global(void *data, struct wl_registry *reg, uint32_t name, const char *iface,
		      uint32_t version)
{
	struct gfxwl *w = data;

	if (!strcmp(iface, gfx_context_manager_v1_interface.name))
		w->manager = wl_registry_bind(reg, name, &gfx_context_manager_v1_interface, 1);
	else if (!strcmp(iface, zwp_linux_dmabuf_v1_interface.name) && version >= 3)
		w->dmabuf = wl_registry_bind(reg, name, &zwp_linux_dmabuf_v1_interface, 3);
}

static void on_global_remove(void *data, struct wl_registry *reg, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = { on_global, on_global_remove };

static void on_fd(void *data, struct gfx_context_v1 *c, int32_t fd)
{
	struct gfxwl *w = data;

	if (w->handle.nfds < GFX_CONTEXT_MAX_FDS)
		w->handle.fds[w->handle.nfds++] = fd;
	else
		close(fd);
}

static void on_ready(void *data, struct gfx_context_v1 *c, uint32_t context, uint32_t kind,
		     uint32_t window_offset, uint32_t window_size)
{
	struct gfxwl *w = data;

	w->handle.context = context;
	w->ready = true;
}

static void on_failed(void *data, struct gfx_context_v1 *c, const char *reason)
{
	struct gfxwl *w = data;

	w->failed = true;
	snprintf(error, sizeof(error), "the compositor has no GPU context for us: %s", reason);
}

static const struct gfx_context_v1_listener context_listener = { on_fd, on_ready, on_failed };

/* Ask for a context, wait for its fds, open it. */
static int open_context(struct gfxwl *w)
{
	int r;

	w->context = gfx_context_manager_v1_get_context(w->manager);
	gfx_context_v1_add_listener(w->context, &context_listener, w);
	while (!w->ready && !w->failed)
		if (wl_display_roundtrip(w->display) < 0)
			return fail(-EPIPE, "%s", "the compositor went away");
	if (w->failed)
		return -EBUSY;
	r = gfx_open_context(&w->handle, &w->dev);
	if (r < 0)
		return fail(r, "cannot open the context: %s", gfx_last_error(NULL));
	w->path = GFXWL_CONTEXT;
	return 0;
}

/*
 * The compositor's GPU is on the kernel's driver: its render node, and with
 * GFX_WL_QUEUE=1 a user-mode queue there, where the compositor takes acquire
 * points for it (the manager); the plain node when no queue is free.
 */
static int open_render_node(struct gfxwl *w)
{
	const char *queue = getenv("GFX_WL_QUEUE");
	int r;

	if (w->manager && queue && !strcmp(queue, "1")) {
		r = gfx_open("drm-userq", &w->dev);
		if (r == 0) {
			w->path = GFXWL_USERQ;
			return 0;
		}
		fprintf(stderr, "gfx-wayland: no user-mode queue (%s); the render node's ring instead\n",
			gfx_last_error(NULL));
	}
	r = gfx_open("drm-render", &w->dev);
	if (r < 0)
		return fail(r, "no render node: %s", gfx_last_error(NULL));
	w->path = GFXWL_DMABUF;
	return 0;
}

int gfxwl_connect(struct wl_display *display, struct gfxwl **out)
{
	struct gfxwl *w = calloc(1, sizeof(*w));
	int r;

	*out = NULL;
	if (!w)
		return fail(-ENOMEM, "%s", "out of memory");
	w->display = display;
	w->registry = wl_display_get_registry(display);
	wl_registry_add_listener(w->registry, &registry_listener, w);
	if (wl_display_roundtrip(display) < 0) {
		r = fail(-EPIPE, "%s", "the compositor went away");
	} else if (w->dmabuf) {
		r = open_render_node(w);
	} else if (w->manager) {
		r = open_context(w);
	} else {
		r = fail(-ENOTSUP, "%s", "the compositor offers neither gfx_context_manager_v1 nor "
			 "zwp_linux_dmabuf_v1: no GPU for clients");
	}
	if (r < 0) {
		gfxwl_destroy(w);
		return r;
	}
	*out = w;
	return 0;
}

struct gfx_device *gfxwl_device(struct gfxwl *w)
{
	return w->dev;
}

enum gfxwl_path gfxwl_path(struct gfxwl *w)
{
	return w->path;
}

static struct wl_buffer *dmabuf_buffer(struct gfxwl *w, const struct gfx_bo *bo)
{
	struct zwp_linux_buffer_params_v1 *params;
	struct wl_buffer *b;
	uint32_t offset;
	int fd;

	/* On a queue, the dma-buf is its whole window and the plane lies inside. */
	if (gfx_bo_export_plane(w->dev, bo, &fd, &offset) < 0)
		return NULL;
	params = zwp_linux_dmabuf_v1_create_params(w->dmabuf);
	zwp_linux_buffer_params_v1_add(params, fd, 0, offset, bo->stride, 0, 0);	/* plane 0, linear */
	b = zwp_linux_buffer_params_v1_create_immed(params, (int32_t)bo->width, (int32_t)bo->height,
						     bo->format, 0);
	zwp_linux_buffer_params_v1_destroy(params);
	close(fd);	/* sent: the compositor has its own */
	return b;
}

struct wl_buffer *gfxwl_buffer(struct gfxwl *w, const struct gfx_bo *bo)
{
	if (w->path != GFXWL_CONTEXT)
		return dmabuf_buffer(w, bo);
	return gfx_context_v1_create_buffer(w->context, bo->offset, bo->width, bo->height, bo->stride,
					    bo->format);
}

int gfxwl_set_fence(struct gfxwl *w, struct wl_surface *surface, uint64_t seqno)
{
	struct fenced_surface *f = NULL;

	if (w->path == GFXWL_DMABUF)
		return 0;	/* the kernel runs our jobs before the compositor's, in its ring */
	for (int i = 0; i < MAX_SURFACES && !f; i++)
		if (w->surfaces[i].surface == surface || !w->surfaces[i].surface)
			f = &w->surfaces[i];
	if (!f)
		return -ENOSPC;
	if (!f->surface) {
		f->surface = surface;
		f->obj = gfx_context_manager_v1_get_surface(w->manager, surface);
	}
	gfx_context_surface_v1_set_acquire_point(f->obj, (uint32_t)(seqno >> 32), (uint32_t)seqno);
	return 0;
}

void gfxwl_forget_surface(struct gfxwl *w, struct wl_surface *surface)
{
	for (int i = 0; i < MAX_SURFACES; i++) {
		if (w->surfaces[i].surface != surface)
			continue;
		gfx_context_surface_v1_destroy(w->surfaces[i].obj);
		w->surfaces[i] = (struct fenced_surface){ 0 };
	}
}

void gfxwl_destroy(struct gfxwl *w)
{
	if (!w)
		return;
	for (int i = 0; i < MAX_SURFACES; i++)
		if (w->surfaces[i].obj)
			gfx_context_surface_v1_destroy(w->surfaces[i].obj);
	gfx_close(w->dev);
	gfx_context_handle_close(&w->handle);	/* fds not taken by a failed open */
	if (w->context)
		gfx_context_v1_destroy(w->context);
	if (w->manager)
		gfx_context_manager_v1_destroy(w->manager);
	if (w->dmabuf)
		zwp_linux_dmabuf_v1_destroy(w->dmabuf);
	wl_registry_destroy(w->registry);
	free(w);
}
