/* SPDX-License-Identifier: MIT */
/*
 * dmabuf.c - zwp_linux_dmabuf_v1 version 4 on a GPU driven by the kernel's
 * DRM driver: clients render on its render node into GEM buffers, export
 * them as dma-bufs (PRIME) and make wl_buffers of them; the compositor
 * imports them on its own DRM fd and composites them in place, no copy.
 * Single-plane formats of the GPU with the linear modifier only; the
 * feedback names the compositor's device and those formats. The kernel's
 * ring runs the client's jobs before the compositor's later ones, so a
 * buffer the client submitted before committing is complete when read.
 * A client on a user-mode queue (drm-userq) renders outside that ring: it
 * sends a plane inside its queue's window, and names the fence its commit
 * waits for with gfx_context_surface_v1 (acquire.c; the kernel tells the
 * window's context, gfx_bo.context).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core.h"
#include "dmabuf.h"
#include "util.h"
#include "vram_buffer.h"
#include "linux-dmabuf-unstable-v1-server-protocol.h"

#define MOD_LINEAR	0ull
#define MOD_INVALID	0x00ffffffffffffffull	/* implicit: the driver's choice (linear here) */

struct params {
	struct server *server;
	int fd;
	uint32_t offset, stride;
	uint64_t modifier;
	bool used;
};

/* ---- buffers ---- */

static void imported_put(struct vram_buffer *vb)
{
	gfx_bo_destroy(vb->server->gfx, vb->bo);	/* the kernel keeps it while jobs use it */
	free(vb);
}

static bool format_alpha(uint32_t format)
{
	return format == GFX_FMT_ARGB8888 || format == GFX_FMT_ABGR8888;
}

/* Import the dma-buf as a buffer of ours: NULL after a protocol error or failed event. */
static struct vram_buffer *import(struct wl_resource *r, struct params *p, int32_t w, int32_t h,
				  uint32_t format, uint32_t flags)
{
	struct server *s = p->server;
	struct vram_buffer *vb;
	struct gfx_bo *bo;

	if (p->used) {
		wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_ALREADY_USED, "params used");
		return NULL;
	}
	p->used = true;
	if (p->fd < 0) {
		wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INCOMPLETE, "no plane 0");
		return NULL;
	}
	if (w <= 0 || h <= 0 || flags) {
		wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_DIMENSIONS,
				       "bad size %dx%d or flags %u", w, h, flags);
		return NULL;
	}
	if (!gfx_format_bpp(format) || p->offset % 4 ||
	    (p->modifier != MOD_LINEAR && p->modifier != MOD_INVALID)) {
		wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_FORMAT,
				       "format 0x%08x, offset %u, modifier 0x%llx: not linear single-plane "
				       "at a multiple of 4", format, p->offset, (unsigned long long)p->modifier);
		return NULL;
	}
	if (gfx_bo_import_plane(s->gfx, p->fd, p->offset, (uint32_t)w, (uint32_t)h, p->stride, format,
				&bo) < 0) {
		log_msg("dma-buf import refused: %s", gfx_last_error(s->gfx));
		return NULL;
	}
	vb = calloc(1, sizeof(*vb));
	if (!vb) {
		gfx_bo_destroy(s->gfx, bo);
		return NULL;
	}
	vb->bo = bo;
	vb->alpha = format_alpha(format);
	vb->context = bo->context;	/* a queue's window: its fences, through acquire points */
	vb->put = imported_put;
	return vb;
}

static void params_create_common(struct wl_client *c, struct wl_resource *r, uint32_t id,
				 int32_t w, int32_t h, uint32_t format, uint32_t flags, bool immed)
{
	struct params *p = wl_resource_get_user_data(r);
	struct vram_buffer *vb = import(r, p, w, h, format, flags);

	if (!vb) {	/* after a protocol error, a second one is ignored */
		if (!immed)
			zwp_linux_buffer_params_v1_send_failed(r);
		else
			wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_INVALID_WL_BUFFER,
					       "the dma-buf cannot be used: %s", gfx_last_error(p->server->gfx));
		return;
	}
	if (!vram_buffer_init(vb, p->server, c, id)) {
		imported_put(vb);
		wl_client_post_no_memory(c);
		return;
	}
	if (!immed)
		zwp_linux_buffer_params_v1_send_created(r, vb->resource);
}

static void params_create(struct wl_client *c, struct wl_resource *r, int32_t w, int32_t h,
			  uint32_t format, uint32_t flags)
{
	params_create_common(c, r, 0, w, h, format, flags, false);
}

static void params_create_immed(struct wl_client *c, struct wl_resource *r, uint32_t id, int32_t w,
				int32_t h, uint32_t format, uint32_t flags)
{
	params_create_common(c, r, id, w, h, format, flags, true);
}

static void params_add(struct wl_client *c, struct wl_resource *r, int32_t fd, uint32_t plane,
		       uint32_t offset, uint32_t stride, uint32_t mod_hi, uint32_t mod_lo)
{
	struct params *p = wl_resource_get_user_data(r);

	if (p->used) {
		wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_ALREADY_USED, "params used");
	} else if (plane != 0) {
		wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_PLANE_IDX,
				       "plane %u: the GPU's formats have one plane", plane);
	} else if (p->fd >= 0) {
		wl_resource_post_error(r, ZWP_LINUX_BUFFER_PARAMS_V1_ERROR_PLANE_SET, "plane 0 is set");
	} else {
		p->fd = fd;
		p->offset = offset;
		p->stride = stride;
		p->modifier = (uint64_t)mod_hi << 32 | mod_lo;
		return;
	}
	close(fd);
}

static void params_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct zwp_linux_buffer_params_v1_interface params_impl = {
	.destroy = params_destroy,
	.add = params_add,
	.create = params_create,
	.create_immed = params_create_immed,
};

static void params_free(struct wl_resource *r)
{
	struct params *p = wl_resource_get_user_data(r);

	if (p->fd >= 0)
		close(p->fd);
	free(p);
}

/* ---- the global and its feedback ---- */

static void dmabuf_create_params(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct params *p = calloc(1, sizeof(*p));
	struct wl_resource *res = wl_resource_create(c, &zwp_linux_buffer_params_v1_interface,
						     wl_resource_get_version(r), id);

	if (!p || !res) {
		free(p);
		wl_client_post_no_memory(c);
		return;
	}
	p->server = wl_resource_get_user_data(r);
	p->fd = -1;
	wl_resource_set_implementation(res, &params_impl, p, params_free);
}

/* The format table: (format, pad, modifier) per format of the GPU, linear. */
static int format_table(struct server *s, uint32_t *size)
{
	struct { uint32_t format, pad; uint64_t modifier; } e[GFX_MAX_FORMATS];
	int fd = memfd_create("gfx-dmabuf-formats", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	*size = s->info.format_count * sizeof(e[0]);
	for (uint32_t i = 0; i < s->info.format_count; i++)
		e[i] = (typeof(e[0])){ s->info.formats[i], 0, MOD_LINEAR };
	if (fd < 0 || write(fd, e, *size) != (ssize_t)*size ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void feedback_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct zwp_linux_dmabuf_feedback_v1_interface feedback_impl = { feedback_destroy };

/* One tranche: the compositor's device, every format, linear. */
static void send_feedback(struct server *s, struct wl_resource *fb)
{
	dev_t dev = (dev_t)s->info.device_id;
	struct wl_array devs, idx;
	uint32_t size;
	int fd = format_table(s, &size);

	if (fd < 0) {
		wl_client_post_no_memory(wl_resource_get_client(fb));
		return;
	}
	zwp_linux_dmabuf_feedback_v1_send_format_table(fb, fd, size);
	close(fd);
	wl_array_init(&devs);
	wl_array_init(&idx);
	if (wl_array_add(&devs, sizeof(dev)))
		memcpy(devs.data, &dev, sizeof(dev));
	for (uint16_t i = 0; i < s->info.format_count; i++) {
		uint16_t *p = wl_array_add(&idx, sizeof(*p));

		if (p)
			*p = i;
	}
	zwp_linux_dmabuf_feedback_v1_send_main_device(fb, &devs);
	zwp_linux_dmabuf_feedback_v1_send_tranche_target_device(fb, &devs);
	zwp_linux_dmabuf_feedback_v1_send_tranche_formats(fb, &idx);
	zwp_linux_dmabuf_feedback_v1_send_tranche_flags(fb, 0);
	zwp_linux_dmabuf_feedback_v1_send_tranche_done(fb);
	zwp_linux_dmabuf_feedback_v1_send_done(fb);
	wl_array_release(&devs);
	wl_array_release(&idx);
}

static void get_feedback(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	struct wl_resource *fb = wl_resource_create(c, &zwp_linux_dmabuf_feedback_v1_interface,
						    wl_resource_get_version(r), id);

	if (!fb) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(fb, &feedback_impl, NULL, NULL);
	send_feedback(wl_resource_get_user_data(r), fb);
}

static void dmabuf_get_default_feedback(struct wl_client *c, struct wl_resource *r, uint32_t id)
{
	get_feedback(c, r, id);
}

static void dmabuf_get_surface_feedback(struct wl_client *c, struct wl_resource *r, uint32_t id,
					struct wl_resource *surface)
{
	get_feedback(c, r, id);	/* one output, one device: the same for every surface */
}

static void dmabuf_destroy(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct zwp_linux_dmabuf_v1_interface dmabuf_impl = {
	.destroy = dmabuf_destroy,
	.create_params = dmabuf_create_params,
	.get_default_feedback = dmabuf_get_default_feedback,
	.get_surface_feedback = dmabuf_get_surface_feedback,
};

static void dmabuf_bind(struct wl_client *c, void *data, uint32_t version, uint32_t id)
{
	struct server *s = data;
	struct wl_resource *r = wl_resource_create(c, &zwp_linux_dmabuf_v1_interface, version, id);

	if (!r) {
		wl_client_post_no_memory(c);
		return;
	}
	wl_resource_set_implementation(r, &dmabuf_impl, s, NULL);
	if (version >= 4)
		return;	/* feedback instead of format events */
	for (uint32_t i = 0; i < s->info.format_count; i++) {
		zwp_linux_dmabuf_v1_send_format(r, s->info.formats[i]);
		if (version >= 3)
			zwp_linux_dmabuf_v1_send_modifier(r, s->info.formats[i], 0, 0);
	}
}

void dmabuf_init(struct server *s)
{
	if (strcmp(s->info.backend, "drm") != 0)
		return;	/* uio and direct hand out contexts instead (gpu_context.c) */
	wl_global_create(s->display, &zwp_linux_dmabuf_v1_interface, DMABUF_VERSION, s, dmabuf_bind);
}
