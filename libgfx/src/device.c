/* SPDX-License-Identifier: MIT */
/* device.c - opening and closing a device, its identity, error messages. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

/* gfx_last_error(NULL) reports why gfx_open() failed, per thread. */
static __thread char open_error[256];

int gfx_set_error(struct gfx_device *dev, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev ? dev->err : open_error, sizeof(open_error), fmt, ap);
	va_end(ap);
	return err;
}

int gfx_lost(struct gfx_device *dev)
{
	if (!dev->lost) {
		dev->lost = true;
		gfx_set_error(dev, -ENODEV,
			      "device lost: the GPU (%s backend) went away; "
			      "commands and waits now fail with -ENODEV",
			      dev->be->name);
	}
	return -ENODEV;
}

GFX_EXPORT const char *gfx_last_error(const struct gfx_device *dev)
{
	return dev ? dev->err : open_error;
}

bool gfx_format_supported(struct gfx_device *dev, uint32_t format)
{
	uint32_t n = gfx_rd32(dev, GFX_REG_FORMAT_COUNT), i;

	if (n > GFX_MAX_FORMATS)
		n = GFX_MAX_FORMATS;
	for (i = 0; i < n; i++)
		if (gfx_rd32(dev, GFX_REG_FORMATS + 4 * i) == format)
			return true;
	return false;
}

/* Resolve spec (see gfx.h) and open the backend. */
static int open_backend(const char *spec, struct gfx_backend **be, char *err, size_t len)
{
	char path[256];
	const char *dir;
	int r;

	if (!spec || !*spec)
		spec = getenv("GFX_DEVICE");
	if (spec && *spec) {
		if (!strncmp(spec, "direct:", 7))
			return gfx_backend_direct_open(spec + 7, be, err, len);
		if (!strncmp(spec, "uio:", 4))
			return gfx_backend_uio_open(spec + 4, be, err, len);
		if (!strcmp(spec, "uio")) {
			r = gfx_backend_uio_find(path, sizeof(path));
			if (r < 0) {
				snprintf(err, len, "no uio_gfx device found in /sys/class/uio");
				return r;
			}
			return gfx_backend_uio_open(path, be, err, len);
		}
		snprintf(err, len, "bad device spec '%s': use direct:PATH, uio:/dev/uioN or uio",
			 spec);
		return -EINVAL;
	}
	if (gfx_backend_uio_find(path, sizeof(path)) == 0)
		return gfx_backend_uio_open(path, be, err, len);
	dir = getenv("XDG_RUNTIME_DIR");
	if (!dir || !*dir) {
		snprintf(err, len, "no GPU: no uio_gfx device, and XDG_RUNTIME_DIR is unset "
			 "(set GFX_DEVICE=direct:PATH)");
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/gfx-device.sock", dir);
	return gfx_backend_direct_open(path, be, err, len);
}

GFX_EXPORT int gfx_open(const char *spec, struct gfx_device **out)
{
	struct gfx_device *dev;
	struct gfx_backend *be = NULL;
	uint32_t magic, version;
	int r;

	*out = NULL;
	open_error[0] = 0;
	r = open_backend(spec, &be, open_error, sizeof(open_error));
	if (r < 0)
		return r;
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		be->destroy(be);
		return gfx_set_error(NULL, -ENOMEM, "out of memory");
	}
	dev->be = be;
	dev->regs = be->bar2;
	dev->event_fd = dev->notify_fd = -1;

	magic = gfx_rd32(dev, GFX_REG_MAGIC);
	version = gfx_rd32(dev, GFX_REG_VERSION);
	dev->vram_size = gfx_rd64(dev, GFX_REG_VRAM_SIZE);
	if (magic != GFX_MAGIC) {
		r = gfx_set_error(NULL, -ENODEV, "not a reference GPU: magic 0x%08x, expected 0x%08x",
				  magic, GFX_MAGIC);
		goto fail;
	}
	if (version >> 16 != GFX_VERSION_MAJOR) {
		r = gfx_set_error(NULL, -ENODEV, "GPU version %u.%u, libgfx speaks %u.x",
				  version >> 16, version & 0xffff, GFX_VERSION_MAJOR);
		goto fail;
	}
	if (dev->vram_size > be->bar2_size || dev->vram_size < GFX_VRAM_START + 8192) {
		r = gfx_set_error(NULL, -ENODEV, "bad VRAM size %llu (mapping is %llu bytes)",
				  (unsigned long long)dev->vram_size,
				  (unsigned long long)be->bar2_size);
		goto fail;
	}
	dev->max_cmd_words = gfx_rd32(dev, GFX_REG_MAX_CMD_WORDS);
	if (dev->max_cmd_words < 16 || dev->max_cmd_words > GFX_MAX_CMD_WORDS) {
		r = gfx_set_error(NULL, -ENODEV, "bad MAX_CMD_WORDS %u (16..%u)", dev->max_cmd_words,
				  GFX_MAX_CMD_WORDS);
		goto fail;
	}
	r = gfx_alloc_init(dev, GFX_VRAM_START, dev->vram_size);
	if (r < 0)
		goto nomem;
	dev->last_seqno = dev->last_irq_seqno = gfx_rd64(dev, GFX_REG_FENCE_DONE);
	r = gfx_events_init(dev);
	if (r < 0) {
		r = gfx_set_error(NULL, r, "cannot set up the event fd: %s", strerror(-r));
		goto fail;
	}
	r = gfx_ring_init(dev);
	if (r < 0) {
		gfx_set_error(NULL, r, "%s", dev->err);
		goto fail;
	}
	be->irq_master(be, 1);
	*out = dev;
	return 0;
nomem:
	r = gfx_set_error(NULL, -ENOMEM, "out of memory");
fail:
	gfx_close(dev);
	return r;
}

GFX_EXPORT void gfx_close(struct gfx_device *dev)
{
	if (!dev)
		return;
	if (!dev->lost && dev->regs)
		gfx_wr32(dev, GFX_REG_IRQ_ENABLE, 0);
	if (dev->event_fd >= 0)
		close(dev->event_fd);
	if (dev->notify_fd >= 0)
		close(dev->notify_fd);
	gfx_alloc_fini(dev);
	dev->be->destroy(dev->be);
	free(dev);
}

GFX_EXPORT int gfx_get_info(struct gfx_device *dev, struct gfx_info *info)
{
	uint32_t i;

	memset(info, 0, sizeof(*info));
	info->backend = dev->be->name;
	info->version = gfx_rd32(dev, GFX_REG_VERSION);
	info->caps = gfx_rd32(dev, GFX_REG_CAPS);
	info->vram_size = dev->vram_size;
	info->vram_free = gfx_alloc_free_bytes(dev);
	info->format_count = gfx_rd32(dev, GFX_REG_FORMAT_COUNT);
	if (info->format_count > GFX_MAX_FORMATS)
		info->format_count = GFX_MAX_FORMATS;
	for (i = 0; i < info->format_count; i++)
		info->formats[i] = gfx_rd32(dev, GFX_REG_FORMATS + 4 * i);
	info->width = gfx_rd32(dev, GFX_REG_MODE_WIDTH);
	info->height = gfx_rd32(dev, GFX_REG_MODE_HEIGHT);
	info->refresh_mhz = gfx_rd32(dev, GFX_REG_MODE_REFRESH);
	info->vblank_seq = gfx_rd64(dev, GFX_REG_VBLANK_SEQ);
	info->fence_done = gfx_rd64(dev, GFX_REG_FENCE_DONE);
	info->status = gfx_rd32(dev, GFX_REG_STATUS);
	info->error_count = gfx_rd32(dev, GFX_REG_ERROR_COUNT);
	info->reset_count = gfx_rd32(dev, GFX_REG_RESET_COUNT);
	return dev->lost ? gfx_lost(dev) : 0;
}
