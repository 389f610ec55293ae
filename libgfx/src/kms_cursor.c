/* SPDX-License-Identifier: MIT */
/* kms_cursor.c - the hardware cursor of a KMS output (kms_cursor.h). */
#include <string.h>
#include <sys/mman.h>
#include <xf86drm.h>

#include "kms_output.h"

/* The cursor size when the driver does not say (DRM's own default). */
#define KMS_CURSOR_DEFAULT	64

static bool has_cursor_plane(int fd, uint32_t crtc_id)
{
	drmModeResPtr res = drmModeGetResources(fd);
	int index = -1;
	bool found = false;

	for (int i = 0; res && i < res->count_crtcs; i++)
		if (res->crtcs[i] == crtc_id)
			index = i;
	drmModeFreeResources(res);
	if (index >= 0)
		found = kms_output_plane(fd, (unsigned int)index, DRM_PLANE_TYPE_CURSOR) != 0;
	return found;
}

static int buf_create(struct kms_output *o, int i)
{
	struct drm_mode_create_dumb c = { .width = o->cursor.w, .height = o->cursor.h, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	void *p;

	if (drmIoctl(o->fd, DRM_IOCTL_MODE_CREATE_DUMB, &c) < 0)
		return -errno;
	o->cursor.buf[i].handle = c.handle;
	o->cursor.buf[i].pitch = c.pitch;
	o->cursor.buf[i].size = c.size;
	m.handle = c.handle;
	if (drmIoctl(o->fd, DRM_IOCTL_MODE_MAP_DUMB, &m) < 0)
		return -errno;
	p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, o->fd, (off_t)m.offset);
	if (p == MAP_FAILED)
		return -errno;
	o->cursor.buf[i].map = p;
	return 0;
}

void kms_cursor_init(struct gfx_device *dev, struct kms_output *o)
{
	uint64_t w = KMS_CURSOR_DEFAULT, h = KMS_CURSOR_DEFAULT;

	/* Cursor planes are listed only to clients that take universal planes. */
	if (drmSetClientCap(o->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0 ||
	    !has_cursor_plane(o->fd, o->crtc_id))
		return;
	drmGetCap(o->fd, DRM_CAP_CURSOR_WIDTH, &w);
	drmGetCap(o->fd, DRM_CAP_CURSOR_HEIGHT, &h);
	o->cursor.w = (uint32_t)w;
	o->cursor.h = (uint32_t)h;
	if (buf_create(o, 0) < 0 || buf_create(o, 1) < 0) {
		kms_cursor_fini(o);	/* then no cursor: the frame draws it */
		return;
	}
	dev->cursor_w = o->cursor.w;
	dev->cursor_h = o->cursor.h;
}

void kms_cursor_fini(struct kms_output *o)
{
	for (int i = 0; i < 2; i++) {
		struct drm_mode_destroy_dumb d = { .handle = o->cursor.buf[i].handle };

		if (o->cursor.buf[i].map)
			munmap(o->cursor.buf[i].map, o->cursor.buf[i].size);
		if (d.handle)
			drmIoctl(o->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
	}
	memset(&o->cursor, 0, sizeof(o->cursor));
}

/* The image (or none) on the CRTC; the place follows. */
static int apply_image(struct kms_output *o)
{
	const struct kms_cursor *c = &o->cursor;
	uint32_t handle = c->visible ? c->buf[c->cur].handle : 0;

	if (drmModeSetCursor2(o->fd, o->crtc_id, handle, c->w, c->h, c->hot_x, c->hot_y) < 0)
		return -errno;
	return 0;
}

static int apply_place(struct kms_output *o)
{
	const struct kms_cursor *c = &o->cursor;

	return drmModeMoveCursor(o->fd, o->crtc_id, c->x - c->hot_x, c->y - c->hot_y) < 0 ?
	       -errno : 0;
}

static int result(struct gfx_device *dev, int r, const char *what)
{
	if (r == -ENODEV)
		return gfx_lost(dev);
	return r < 0 ? gfx_set_error(dev, r, "%s the cursor: %s", what, strerror(-r)) : 0;
}

int kms_cursor_set(struct gfx_device *dev, struct kms_output *o, const uint8_t *pixels,
		   uint32_t stride, int32_t hot_x, int32_t hot_y)
{
	struct kms_cursor *c = &o->cursor;

	c->visible = pixels != NULL;
	if (pixels) {
		c->cur ^= 1;	/* the other one may be on screen */
		for (uint32_t y = 0; y < c->h; y++)
			memcpy(c->buf[c->cur].map + (size_t)y * c->buf[c->cur].pitch,
			       pixels + (size_t)y * stride, (size_t)c->w * 4);
		c->hot_x = hot_x;
		c->hot_y = hot_y;
	}
	if (!o->crtc_on)
		return 0;	/* kms_cursor_restore shows it with the first flip */
	return result(dev, apply_image(o) ?: (c->visible ? apply_place(o) : 0), "setting");
}

int kms_cursor_move(struct gfx_device *dev, struct kms_output *o, int32_t x, int32_t y)
{
	o->cursor.x = x;
	o->cursor.y = y;
	if (!o->crtc_on || !o->cursor.visible)
		return 0;
	return result(dev, apply_place(o), "moving");
}

void kms_cursor_restore(struct kms_output *o)
{
	if (o->cursor.visible)	/* an error shows at the next set or move */
		(void)(apply_image(o) ?: apply_place(o));
}
