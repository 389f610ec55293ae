/* SPDX-License-Identifier: MIT */
/*
 * virtio_cmd.c - virtio-gpu's 2D commands (virtio_priv.h; virtio 1.2, 5.7.6):
 * requests that wait for their answer (display info, EDID, resources), and
 * a flip's, which go without waiting: the uploads, the scanout, the fenced
 * flush whose answer says the picture is the device's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_priv.h"

#define VIO_MAX_UPLOAD_RECTS	16	/* more: their bounding box */

void vio_hdr(struct gfx_virtio *v, struct virtio_gpu_ctrl_hdr *h, uint32_t type, bool fence)
{
	*h = (struct virtio_gpu_ctrl_hdr){ .type = type };
	if (fence) {
		h->flags = VIRTIO_GPU_FLAG_FENCE;
		h->fence_id = ++v->fence_id;
	}
}

const char *vio_resp_name(uint32_t type)
{
	switch (type) {
	case VIRTIO_GPU_RESP_OK_NODATA: return "OK";
	case VIRTIO_GPU_RESP_ERR_UNSPEC: return "ERR_UNSPEC";
	case VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY: return "ERR_OUT_OF_MEMORY";
	case VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID: return "ERR_INVALID_SCANOUT_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID: return "ERR_INVALID_RESOURCE_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID: return "ERR_INVALID_CONTEXT_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER: return "ERR_INVALID_PARAMETER";
	default: return type >= VIRTIO_GPU_RESP_ERR_UNSPEC ? "an error" : "OK";
	}
}

/* Copy req into a free slot of the control queue and publish it (kick: and tell the device). */
static int send(struct gfx_device *dev, const void *req, uint32_t len, enum vio_slot_state state,
		uint64_t user_data, bool kick, unsigned int *slot)
{
	struct gfx_virtio *v = dev->virtio;
	int r = vio_queue_wait_slot(dev, &v->ctrl, slot);

	if (r < 0)
		return r;
	memcpy(v->ctrl.out + *slot * VIO_SLOT_OUT, req, len);
	vio_queue_send(v, &v->ctrl, *slot, len, state, user_data, kick);
	return 0;
}

int vio_request(struct gfx_device *dev, const void *req, uint32_t len, void *resp,
		uint32_t resp_len)
{
	struct gfx_virtio *v = dev->virtio;
	struct vio_queue *q = &v->ctrl;
	int64_t deadline = gfx_now_ns() + VIO_WAIT_NS;
	const struct virtio_gpu_ctrl_hdr *h;
	unsigned int slot;
	int r = send(dev, req, len, VIO_SLOT_WAITED, 0, true, &slot);

	while (r == 0 && q->state[slot] != VIO_SLOT_DONE)
		r = vio_wait_irq(dev, deadline);
	if (r == -ETIMEDOUT)
		return gfx_set_error(dev, r, "virtio-gpu did not answer command 0x%x in %lld ms",
				     ((const struct virtio_gpu_ctrl_hdr *)req)->type,
				     VIO_WAIT_NS / 1000000);
	if (r < 0)
		return r;
	h = (const struct virtio_gpu_ctrl_hdr *)(q->in + slot * VIO_SLOT_IN);
	memcpy(resp, h, q->in_len[slot] < resp_len ? q->in_len[slot] : resp_len);
	q->state[slot] = VIO_SLOT_FREE;
	if (q->in_len[slot] < sizeof(*h) || h->type >= VIRTIO_GPU_RESP_ERR_UNSPEC)
		return gfx_set_error(dev, -EIO, "virtio-gpu refused command 0x%x: %s",
				     ((const struct virtio_gpu_ctrl_hdr *)req)->type,
				     q->in_len[slot] < sizeof(*h) ? "no answer" : vio_resp_name(h->type));
	return 0;
}

/* ---- the display ---- */

/* The refresh rate of the EDID's first detailed timing, if it is w x h; else 0. */
static uint32_t edid_refresh_mhz(const uint8_t *e, uint32_t size, uint32_t w, uint32_t h)
{
	const uint8_t *d = e + 54;
	uint64_t clock_hz = (uint64_t)(d[0] | d[1] << 8) * 10000;
	uint32_t ha = d[2] | (d[4] & 0xf0) << 4, hb = d[3] | (d[4] & 0x0f) << 8;
	uint32_t va = d[5] | (d[7] & 0xf0) << 4, vb = d[6] | (d[7] & 0x0f) << 8;

	if (size < 128 || !clock_hz || ha != w || va != h)
		return 0;
	return (uint32_t)(clock_hz * 1000 / ((uint64_t)(ha + hb) * (va + vb)));
}

static uint32_t refresh_mhz(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	struct virtio_gpu_cmd_get_edid req = { .scanout = 0 };
	struct virtio_gpu_resp_edid *resp;
	uint32_t mhz = 0;

	if (!(v->features & (1ull << VIRTIO_GPU_F_EDID)))
		return 60000;
	resp = calloc(1, sizeof(*resp));
	vio_hdr(v, &req.hdr, VIRTIO_GPU_CMD_GET_EDID, false);
	if (resp && vio_request(dev, &req, sizeof(req), resp, sizeof(*resp)) == 0)
		mhz = edid_refresh_mhz(resp->edid, resp->size, v->width, v->height);
	free(resp);
	return mhz ? mhz : 60000;	/* the device's own default is 60 Hz */
}

int vio_display_info(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	struct virtio_gpu_ctrl_hdr req;
	struct virtio_gpu_resp_display_info resp = { 0 };
	int r;

	vio_hdr(v, &req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, false);
	r = vio_request(dev, &req, sizeof(req), &resp, sizeof(resp));
	if (r < 0)
		return r;
	if (!resp.pmodes[0].enabled || !resp.pmodes[0].r.width || !resp.pmodes[0].r.height) {
		v->width = v->height = 0;	/* no display on it now */
		return 0;
	}
	v->width = resp.pmodes[0].r.width;
	v->height = resp.pmodes[0].r.height;
	v->refresh_mhz = refresh_mhz(dev);
	return 0;
}

/* ---- resources: a buffer's host copy ---- */

static uint32_t vio_format(uint32_t fourcc)
{
	switch (fourcc) {	/* DRM formats are little-endian words: XRGB8888 is B, G, R, X */
	case GFX_FMT_XRGB8888: return VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	case GFX_FMT_ARGB8888: return VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM;
	case GFX_FMT_XBGR8888: return VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM;
	case GFX_FMT_ABGR8888: return VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM;
	default: return 0;
	}
}

/* ATTACH_BACKING of r's pool range: one entry per chunk it touches. */
static int attach_backing(struct gfx_device *dev, struct vio_res *r)
{
	struct gfx_virtio *v = dev->virtio;
	uint8_t buf[VIO_SLOT_OUT];
	struct virtio_gpu_resource_attach_backing *a = (void *)buf;
	struct virtio_gpu_mem_entry *e = (void *)(a + 1);
	struct virtio_gpu_ctrl_hdr resp;
	uint64_t off = r->offset, end = (uint64_t)r->offset + r->size;
	uint32_t n = 0;

	vio_hdr(v, &a->hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, false);
	a->resource_id = r->id;
	while (off < end) {
		uint64_t chunk = off >> UIO_VGPU_CHUNK_SHIFT, in = off & (UIO_VGPU_CHUNK - 1);
		uint64_t len = UIO_VGPU_CHUNK - in < end - off ? UIO_VGPU_CHUNK - in : end - off;

		e[n++] = (struct virtio_gpu_mem_entry){ .addr = v->info->bus[chunk] + in,
							.length = (uint32_t)len };
		off += len;
	}
	a->nr_entries = n;
	return vio_request(dev, a, sizeof(*a) + n * sizeof(*e), &resp, sizeof(resp));
}

/* A 2D resource for bo's pixels, backed by its own pool pages. */
static int res_create(struct gfx_device *dev, const struct gfx_bo *bo, struct vio_res *r)
{
	struct gfx_virtio *v = dev->virtio;
	struct virtio_gpu_resource_create_2d c = { .format = vio_format(bo->format),
		/* the host copies rows of width * 4 bytes: the resource is as wide as the stride */
		.width = bo->stride / 4, .height = bo->height };
	struct virtio_gpu_ctrl_hdr resp;
	int ret;

	*r = (struct vio_res){ .id = ++v->next_res_id, .offset = bo->offset,
			       .size = bo->stride * bo->height, .width = bo->width,
			       .height = bo->height, .stride = bo->stride, .format = bo->format };
	c.resource_id = r->id;
	vio_hdr(v, &c.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, false);
	ret = vio_request(dev, &c, sizeof(c), &resp, sizeof(resp));
	if (ret == 0 && (ret = attach_backing(dev, r)) < 0)
		vio_res_destroy(dev, r);
	pixman_region32_init_rect(&r->stale, 0, 0, r->width, r->height);
	return ret;
}

int vio_res_for(struct gfx_device *dev, const struct gfx_bo *bo, struct vio_res **out)
{
	struct gfx_virtio *v = dev->virtio;
	struct vio_res *r;
	int ret;

	if (!vio_format(bo->format) || bo->stride % 4)
		return gfx_set_error(dev, -EINVAL, "virtio-gpu shows 32-bit formats only (0x%08x)",
				     bo->format);
	for (unsigned int i = 0; i < v->res_n; i++) {
		r = &v->res[i];
		if (r->offset == bo->offset && r->width == bo->width && r->height == bo->height &&
		    r->stride == bo->stride && r->format == bo->format && !r->doomed) {
			*out = r;
			return 0;
		}
	}
	if (v->res_n == v->res_cap) {
		unsigned int cap = v->res_cap ? v->res_cap * 2 : 16;
		struct vio_res *n = realloc(v->res, cap * sizeof(*n));

		if (!n)
			return gfx_set_error(dev, -ENOMEM, "out of memory");
		v->res = n;
		v->res_cap = cap;
	}
	r = &v->res[v->res_n];
	ret = res_create(dev, bo, r);
	if (ret < 0) {
		pixman_region32_fini(&r->stale);
		return ret;
	}
	v->res_n++;
	*out = r;
	return 0;
}

/* DETACH_BACKING and UNREF: the host forgets it (the pages are the allocator's again). */
void vio_res_destroy(struct gfx_device *dev, struct vio_res *r)
{
	struct gfx_virtio *v = dev->virtio;
	struct virtio_gpu_resource_detach_backing d = { .resource_id = r->id };
	struct virtio_gpu_resource_unref u = { .resource_id = r->id };
	struct virtio_gpu_ctrl_hdr resp;

	if (dev->lost)
		return;
	vio_hdr(v, &d.hdr, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, false);
	vio_hdr(v, &u.hdr, VIRTIO_GPU_CMD_RESOURCE_UNREF, false);
	vio_request(dev, &d, sizeof(d), &resp, sizeof(resp));
	vio_request(dev, &u, sizeof(u), &resp, sizeof(resp));
}

/* ---- the cursor ---- */

/* UPDATE_CURSOR or MOVE_CURSOR on the cursor queue; the hotspot's place, clamped to the display. */
static int cursor_send(struct gfx_device *dev, uint32_t type, uint32_t res, int32_t hot_x,
		       int32_t hot_y, int32_t x, int32_t y)
{
	struct gfx_virtio *v = dev->virtio;
	struct virtio_gpu_update_cursor c = {
		.pos = { .scanout_id = 0, .x = x < 0 ? 0 : (uint32_t)x, .y = y < 0 ? 0 : (uint32_t)y },
		.resource_id = res, .hot_x = (uint32_t)hot_x, .hot_y = (uint32_t)hot_y };
	unsigned int slot;
	int r;

	vio_hdr(v, &c.hdr, type, false);
	r = vio_queue_wait_slot(dev, &v->cursor, &slot);
	if (r < 0)
		return r;
	memcpy(v->cursor.out + slot * VIO_SLOT_OUT, &c, sizeof(c));
	vio_queue_send(v, &v->cursor, slot, sizeof(c), VIO_SLOT_CURSOR, 0, true);
	return 0;
}

int vio_cursor_update(struct gfx_device *dev, struct vio_res *r, int32_t hot_x, int32_t hot_y,
		      int32_t x, int32_t y)
{
	struct gfx_virtio *v = dev->virtio;
	struct virtio_gpu_transfer_to_host_2d t = { .r = { 0, 0, r ? r->width : 0,
							   r ? r->height : 0 },
						    .resource_id = r ? r->id : 0 };
	struct virtio_gpu_ctrl_hdr resp;
	int ret = 0;

	if (r) {
		vio_hdr(v, &t.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, false);
		ret = vio_request(dev, &t, sizeof(t), &resp, sizeof(resp));
	}
	return ret ?: cursor_send(dev, VIRTIO_GPU_CMD_UPDATE_CURSOR, r ? r->id : 0, hot_x, hot_y,
				  x, y);
}

int vio_cursor_move(struct gfx_device *dev, int32_t x, int32_t y)
{
	return cursor_send(dev, VIRTIO_GPU_CMD_MOVE_CURSOR, 0, 0, 0, x, y);
}

/* ---- a flip ---- */

static struct virtio_gpu_rect vrect(const pixman_box32_t *b)
{
	return (struct virtio_gpu_rect){ .x = (uint32_t)b->x1, .y = (uint32_t)b->y1,
					 .width = (uint32_t)(b->x2 - b->x1),
					 .height = (uint32_t)(b->y2 - b->y1) };
}

/* TRANSFER_TO_HOST_2D of r's stale part, box by box (or their bounding box). */
static int upload(struct gfx_device *dev, struct vio_res *r)
{
	struct gfx_virtio *v = dev->virtio;
	int n;
	pixman_box32_t *b = pixman_region32_rectangles(&r->stale, &n);
	unsigned int slot;

	if (n > VIO_MAX_UPLOAD_RECTS) {
		b = pixman_region32_extents(&r->stale);
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		struct virtio_gpu_transfer_to_host_2d t = { .r = vrect(&b[i]), .resource_id = r->id,
			.offset = (uint64_t)b[i].y1 * r->stride + (uint64_t)b[i].x1 * 4 };
		int ret;

		vio_hdr(v, &t.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, false);
		ret = send(dev, &t, sizeof(t), VIO_SLOT_ASYNC, 0, false, &slot);
		if (ret < 0)
			return ret;
	}
	pixman_region32_clear(&r->stale);
	return 0;
}

int vio_present(struct gfx_device *dev, struct vio_res *r, const struct gfx_rect *damage,
		unsigned int n, uint64_t user_data)
{
	struct gfx_virtio *v = dev->virtio;
	pixman_region32_t d;
	struct virtio_gpu_resource_flush f = { .resource_id = r->id };
	unsigned int slot;
	int ret = 0;

	pixman_region32_init(&d);
	for (unsigned int i = 0; i < n; i++)
		pixman_region32_union_rect(&d, &d, damage[i].x, damage[i].y, damage[i].w, damage[i].h);
	if (!n || v->scanout_res != r->id || v->upload_full)
		pixman_region32_union_rect(&d, &d, 0, 0, r->width, r->height);
	/* Every host copy lags where the picture changed; this one catches up now. */
	for (unsigned int i = 0; i < v->res_n; i++)
		pixman_region32_union(&v->res[i].stale, &v->res[i].stale, &d);
	ret = upload(dev, r);
	if (ret == 0 && v->scanout_res != r->id) {
		struct virtio_gpu_set_scanout s = { .r = { 0, 0, r->width, r->height },
						    .scanout_id = 0, .resource_id = r->id };

		vio_hdr(v, &s.hdr, VIRTIO_GPU_CMD_SET_SCANOUT, false);
		ret = send(dev, &s, sizeof(s), VIO_SLOT_ASYNC, 0, false, &slot);
		if (ret == 0)
			v->scanout_res = r->id;
	}
	f.r = vrect(pixman_region32_extents(&d));
	pixman_region32_fini(&d);
	if (ret < 0)
		return ret;
	vio_hdr(v, &f.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH, true);
	v->flip_after = gfx_pacer_seq(&v->pace, gfx_now_ns());
	ret = send(dev, &f, sizeof(f), VIO_SLOT_FLIP, user_data, true, &slot);	/* one notify a flip */
	if (ret == 0)
		v->flip_pending = true;
	return ret;
}

void vio_answered(struct gfx_device *dev, struct vio_queue *q, unsigned int slot)
{
	struct gfx_virtio *v = dev->virtio;
	const struct virtio_gpu_ctrl_hdr *h = (const void *)(q->in + slot * VIO_SLOT_IN);

	if (q->in_len[slot] < sizeof(*h) || h->type >= VIRTIO_GPU_RESP_ERR_UNSPEC) {
		v->refused++;
		v->refused_type = q->in_len[slot] < sizeof(*h) ? 0 : h->type;
	}
	if (q->state[slot] == VIO_SLOT_FLIP)	/* the picture is the device's: shown next vblank */
		gfx_pacer_hold(&v->pace, q->user_data[slot], v->flip_after);
}
