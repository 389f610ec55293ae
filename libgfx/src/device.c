/* SPDX-License-Identifier: MIT */
/*
 * device.c - the bottom of libgfx: the device object every driver fills,
 * error messages, the device lost. Opening one is open.c's, at the top.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

/* gfx_last_error(NULL) reports why gfx_open() failed, per thread. */
static __thread char open_error[256];

const char *gfx_open_error(void)
{
	return open_error;
}

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
			      dev->backend);
	}
	return -ENODEV;
}

GFX_EXPORT const char *gfx_last_error(const struct gfx_device *dev)
{
	return dev ? dev->err : open_error;
}

bool gfx_format_supported(struct gfx_device *dev, uint32_t format)
{
	for (uint32_t i = 0; i < dev->format_count; i++)
		if (dev->formats[i] == format)
			return true;
	return false;
}

struct gfx_device *gfx_device_alloc(const struct gfx_driver *drv, uint32_t max_cmd_words)
{
	struct gfx_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->drv = drv;
	dev->event_fd = dev->notify_fd = -1;
	dev->max_cmd_words = max_cmd_words;
	dev->clip = calloc(max_cmd_words, sizeof(uint32_t));
	if (!dev->clip) {
		free(dev);
		return NULL;
	}
	return dev;
}

void gfx_device_free(struct gfx_device *dev)
{
	if (dev->event_fd >= 0)
		close(dev->event_fd);
	if (dev->notify_fd >= 0)
		close(dev->notify_fd);
	free(dev->clip);
	free(dev);
}
