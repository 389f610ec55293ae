/* SPDX-License-Identifier: MIT */
/* vram_buffer.c - wl_buffers already in VRAM, shown without a copy (vram_buffer.h). */
#include <stdlib.h>

#include "core.h"
#include "vram_buffer.h"

static void buffer_destroy_req(struct wl_client *c, struct wl_resource *r)
{
	wl_resource_destroy(r);
}

static const struct wl_buffer_interface buffer_impl = { buffer_destroy_req };

static void resource_gone(struct wl_resource *r)
{
	struct vram_buffer *vb = wl_resource_get_user_data(r);

	vb->resource = NULL;
	if (!wl_list_empty(&vb->release_link)) {
		wl_list_remove(&vb->release_link);
		wl_list_init(&vb->release_link);
	}
	vram_buffer_unref(vb);
}

bool vram_buffer_init(struct vram_buffer *vb, struct server *s, struct wl_client *client, uint32_t id)
{
	vb->server = s;
	vb->refs = 1;
	wl_list_init(&vb->release_link);
	vb->resource = wl_resource_create(client, &wl_buffer_interface, 1, id);
	if (!vb->resource)
		return false;
	wl_resource_set_implementation(vb->resource, &buffer_impl, vb, resource_gone);
	return true;
}

struct vram_buffer *vram_buffer_from_resource(struct wl_resource *buffer)
{
	if (!buffer || !wl_resource_instance_of(buffer, &wl_buffer_interface, &buffer_impl))
		return NULL;
	return wl_resource_get_user_data(buffer);
}

void vram_buffer_ref(struct vram_buffer *vb)
{
	vb->refs++;
}

void vram_buffer_unref(struct vram_buffer *vb)
{
	if (--vb->refs > 0)
		return;
	vb->put(vb);	/* frees vb */
}

void vram_buffer_retire(struct vram_buffer *vb, uint64_t fence)
{
	if (!vb->resource)
		return;
	vb->release_fence = fence;
	if (wl_list_empty(&vb->release_link))
		wl_list_insert(vb->server->vram_retiring.prev, &vb->release_link);
	vram_buffer_release_passed(vb->server, false);
}

void vram_buffer_release_passed(struct server *s, bool all)
{
	struct vram_buffer *vb, *tmp;

	wl_list_for_each_safe(vb, tmp, &s->vram_retiring, release_link) {
		if (!all && vb->release_fence && !gfx_fence_done(s->gfx, vb->release_fence))
			continue;
		wl_list_remove(&vb->release_link);
		wl_list_init(&vb->release_link);
		wl_buffer_send_release(vb->resource);
	}
}
