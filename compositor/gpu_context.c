/* SPDX-License-Identifier: MIT */
/*
 * gpu_context.c - gfx_context_manager_v1, gfx_context_v1 and
 * gfx_context_surface_v1 (gpu_context.h).
 *
 * A context a client holds lives until the client destroyed its
 * gfx_context_v1 and every wl_buffer made of it is gone and no surface shows
 * one any more (a reference each): only then is it released, so the window
 * is never read after another client may have got it. libgfx clears a
 * context's window before handing it out again, and on uio the kernel lets
 * a context be opened again only once every holder of its node closed it.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "core.h"
#include "gpu_context.h"
#include "surface.h"
#include "util.h"
#include "vram_buffer.h"
#include "gfx-context-v1-server-protocol.h"

struct client_context {
	struct server *server;
	uint32_t context;		/* 0: none (failed) */
	uint32_t window_offset, window_size;
	int refs;			/* the gfx_context_v1, its buffers */
};

static void context_put(struct client_context *cc)
{
	if (--cc->refs > 0)
		return;
	if (cc->context && gfx_context_release(cc->server->gfx, cc->context) < 0)
		log_msg("cannot release GPU context %u: %s", cc->context, gfx_last_error(cc->server->gfx));
	free(cc);
}

/* ---- buffers in a context's window ---- */

static void context_buffer_put(struct vram_buffer *vb)
{
	struct client_context *cc = vb->owner;

	free(vb->bo);
	free(vb);
	context_put(cc);
}

bool gpu_context_fence(struct server *s, int context, uint64_t *done)
{
	struct gfx_context_info ci;

	if (context <= 0 || gfx_context_info(s->gfx, (uint32_t)context, &ci) != 0)
		return false;
	*done = ci.fence_done;
	return true;
}

/* The whole surface in the window, in the GPU's limits, a format it has. */
static const char *check_buffer(struct client_context *cc, uint32_t offset, uint32_t w, uint32_t h,
				uint32_t stride, uint32_t format)
{
	uint32_t bpp = gfx_format_bpp(format);
	uint64_t end = (uint64_t)offset + (uint64_t)(h ? h - 1 : 0) * stride + (uint64_t)w * bpp;

	if (!bpp)
		return "unsupported format";
	if (!w || !h || w > GFX_MAX_SURFACE_SIDE || h > GFX_MAX_SURFACE_SIDE)
		return "bad size";
	if (stride % 4 || stride > GFX_MAX_STRIDE || stride < (uint64_t)w * bpp)
		return "bad stride";
	if (offset % 4 || offset < cc->window_offset ||
	    end > (uint64_t)cc->window_offset + cc->window_size)
		return "not inside the context's window";
	return NULL;
}

static void context_create_buffer(struct wl_client *c, struct wl_resource *r, uint32_t id,
				  uint32_t offset, uint32_t w, uint32_t h, uint32_t stride,
				  uint32_t format)
{
	struct client_context *cc = wl_resource_get_user_data(r);
	struct vram_buffer *vb;
	const char *bad;

	if (!cc->context) {
		wl_resource_post_error(r, GFX_CONTEXT_V1_ERROR_NOT_READY, "the context is not ready");
		return;
	}
	if ((bad = check_buffer(cc, offset, w, h, stride, format))) {
		wl_resource_post_error(r, GFX_CONTEXT_V1_ERROR_INVALID_BUFFER,
				       "buffer at 0x%x (%ux%u, stride %u, format 0x%08x): %s",
				       offset, w, h, stride, format, bad);
		return;
	}
	vb = calloc(1, sizeof(*vb));
	if (vb)
		vb->bo = calloc(1, sizeof(*vb->bo));
	if (!vb || !vb->bo || !vram_buffer_init(vb, cc->server, c, id)) {
		if (vb)
			free(vb->bo);
		free(vb);
		wl_client_post_no_memory(c);
		return;
	}
	*vb->bo = (struct gfx_bo){ .offset = offset, .width = w, .height = h, .stride = stride,
				   .format = format, .size = (uint32_t)((uint64_t)stride * h) };
	vb->alpha = format == GFX_FMT_ARGB8888 || format == GFX_FMT_ABGR8888;
	vb->put = context_buffer_put;
	vb->owner = cc;
	vb->context = cc->context;
	cc->refs++;
}

static void context_destroy_req(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct gfx_context_v1_interface context_impl = {
	.create_buffer = context_create_buffer,
	.destroy = context_destroy_req,
};

static void context_resource_gone(struct wl_resource *r)
{
	context_put(wl_resource_get_user_data(r));
}

/* Send the handle's fds, then ready; the fds are ours to close after sending. */
static void hand_over(struct wl_resource *r, struct client_context *cc, struct gfx_context_handle *h)
{
	struct gfx_context_info ci = { 0 };

	gfx_context_info(cc->server->gfx, h->context, &ci);
	cc->context = h->context;
	cc->window_offset = ci.window_offset;
	cc->window_size = ci.window_size;
	for (uint32_t i = 0; i < h->nfds; i++)
		gfx_context_v1_send_fd(r, h->fds[i]);
	gfx_context_v1_send_ready(r, h->context, h->nfds == 1 ? GFX_CONTEXT_V1_KIND_UIO :
				  GFX_CONTEXT_V1_KIND_DIRECT, cc->window_offset, cc->window_size);
	wl_client_flush(wl_resource_get_client(r));	/* the fds leave before we close them */
	gfx_context_handle_close(h);
	log_debug(cc->server->verbose, "GPU context %u handed to a client", cc->context);
}

static void manager_get_context(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct server *s = wl_resource_get_user_data(r);
	struct client_context *cc = calloc(1, sizeof(*cc));
	struct wl_resource *res = wl_resource_create(c, &gfx_context_v1_interface, 1, id);
	struct gfx_context_handle h;

	if (!cc || !res) {
		free(cc);
		wl_client_post_no_memory(c);
		return;
	}
	cc->server = s;
	cc->refs = 1;
	wl_resource_set_implementation(res, &context_impl, cc, context_resource_gone);
	if (gfx_context_acquire(s->gfx, &h) < 0)
		gfx_context_v1_send_failed(res, gfx_last_error(s->gfx));
	else
		hand_over(res, cc, &h);
}

/* ---- acquire points ---- */

static void surface_obj_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static void surface_set_acquire_point(struct wl_client *c, struct wl_resource *r, uint32_t hi,
				      uint32_t lo)
{
	struct surface *s = wl_resource_get_user_data(r);

	if (!s) {
		wl_resource_post_error(r, GFX_CONTEXT_SURFACE_V1_ERROR_NO_SURFACE, "the surface is gone");
		return;
	}
	s->pending.acquire_point = (uint64_t)hi << 32 | lo;
	s->pending.acquire_set = true;
}

static const struct gfx_context_surface_v1_interface surface_impl = {
	.destroy = surface_obj_destroy,
	.set_acquire_point = surface_set_acquire_point,
};

static void surface_obj_gone(struct wl_resource *r)
{
	struct surface *s = wl_resource_get_user_data(r);

	if (s)
		s->gpu_surface = NULL;
}

static void manager_get_surface(struct wl_client *c, struct wl_resource *r, uint32_t id,
				struct wl_resource *surface_res)
{
	struct surface *s = surface_from_resource(surface_res);
	struct wl_resource *res;

	if (s->gpu_surface) {
		wl_resource_post_error(r, GFX_CONTEXT_MANAGER_V1_ERROR_SURFACE_EXISTS,
				       "the surface already has a gfx_context_surface_v1");
		return;
	}
	res = wl_resource_create(c, &gfx_context_surface_v1_interface, 1, id);
	if (!res) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(res, &surface_impl, s, surface_obj_gone);
	s->gpu_surface = res;
}

static void manager_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct gfx_context_manager_v1_interface manager_impl = {
	.destroy = manager_destroy,
	.get_context = manager_get_context,
	.get_surface = manager_get_surface,
};

static void manager_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *r = wl_resource_create(c, &gfx_context_manager_v1_interface, 1, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &manager_impl, data, NULL);
}

void gpu_context_init(struct server *s)
{
	struct gfx_context_info ci;

	/* Only a master context with client contexts can hand one out. */
	if (s->info.context != GFX_MASTER_CONTEXT || s->info.context_count < 2 ||
	    gfx_context_info(s->gfx, 1, &ci) < 0)
		return;
	wl_global_create(s->display, &gfx_context_manager_v1_interface, GPU_CONTEXT_MANAGER_VERSION,
			 s, manager_bind);
}
