/* SPDX-License-Identifier: MIT */
/*
 * drm_device.c - libgfx on the kernel's DRM driver: opening a gfx_drm node,
 * its identity (GET_PARAM), closing, and the driver table.
 *
 * A card node (/dev/dri/cardN) gives rendering and the display (KMS); a
 * render node (/dev/dri/renderDN) gives rendering only.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "drm_priv.h"

int drm_param(int fd, uint32_t param, uint32_t index, uint64_t *value)
{
	struct drm_gfx_get_param p = { .param = param, .index = index };

	if (drmIoctl(fd, DRM_IOCTL_GFX_GET_PARAM, &p) < 0)
		return -errno;
	*value = p.value;
	return 0;
}

/* A failed ioctl (r = -errno): -ENODEV means the device went away. */
int drm_ioctl_err(struct gfx_device *dev, int r, const char *what)
{
	if (r == -ENODEV)
		return gfx_lost(dev);
	return gfx_set_error(dev, r, "%s: %s", what, strerror(-r));
}

/* Is fd a gfx_drm node? */
static bool is_gfx_drm(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ours = v && v->name && strcmp(v->name, GFX_DRM_NAME) == 0;

	drmFreeVersion(v);
	return ours;
}

int gfx_drm_find(char *path, size_t path_len, bool render)
{
	const char *prefix = render ? "renderD" : "card";
	DIR *d = opendir("/dev/dri");
	struct dirent *e;
	int best = -1;

	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char p[300];
		int n, fd;

		if (strncmp(e->d_name, prefix, strlen(prefix)) ||
		    sscanf(e->d_name + strlen(prefix), "%d", &n) != 1 || (best >= 0 && n > best))
			continue;
		snprintf(p, sizeof(p), "/dev/dri/%s", e->d_name);
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && is_gfx_drm(fd))
			best = n;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	if (best < 0)
		return -ENOENT;
	snprintf(path, path_len, "/dev/dri/%s%d", prefix, best);
	return 0;
}

/* The identity the user-mode driver reads from the register page. */
static int read_identity(struct gfx_device *dev, char *err, size_t len)
{
	struct gfx_drm *d = dev->drm;
	uint64_t max_cmd = 0, max_submit = 0, w = 0, h = 0, n = 0, f = 0, v = 0;
	int r;

	r = drm_param(d->fd, DRM_GFX_PARAM_VERSION, 0, &d->version) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_CAPS, 0, &d->caps) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_VRAM_SIZE, 0, &dev->vram_size) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_MAX_CMD_WORDS, 0, &max_cmd) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_MAX_SUBMIT_WORDS, 0, &max_submit) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_MODE_WIDTH, 0, &w) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_MODE_HEIGHT, 0, &h) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_FORMAT_COUNT, 0, &n) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_SEQNO_DONE, 0, &d->done);
	if (r < 0) {
		snprintf(err, len, "GET_PARAM failed: %s", strerror(-r));
		return r;
	}
	if (d->version >> 16 != GFX_VERSION_MAJOR || max_cmd < 16 || max_cmd > GFX_MAX_CMD_WORDS ||
	    max_submit < 256) {
		snprintf(err, len, "GPU version %u.%u (libgfx speaks %u.x), %llu command words, "
			 "%llu submit words", (unsigned)(d->version >> 16),
			 (unsigned)(d->version & 0xffff), GFX_VERSION_MAJOR,
			 (unsigned long long)max_cmd, (unsigned long long)max_submit);
		return -ENODEV;
	}
	dev->max_cmd_words = (uint32_t)max_cmd;
	/*
	 * The kernel's buffers may lie anywhere in VRAM. Client contexts are
	 * the kernel's to give, as user-mode queues (drm-userq), whose fences
	 * any file reads (gfx_context_info); none on a kernel without them.
	 */
	dev->context_count = 1 + (drm_param(d->fd, DRM_GFX_PARAM_USERQ_COUNT, 0, &v) == 0 ? (uint32_t)v : 0);
	dev->window_offset = GFX_VRAM_START;
	dev->window_size = (uint32_t)(dev->vram_size - GFX_VRAM_START);
	dev->mode_width = (uint32_t)w;
	dev->mode_height = (uint32_t)h;
	dev->format_count = n < GFX_MAX_FORMATS ? (uint32_t)n : GFX_MAX_FORMATS;
	for (uint32_t i = 0; i < dev->format_count; i++) {
		r = drm_param(d->fd, DRM_GFX_PARAM_FORMAT, i, &f);
		if (r < 0)
			return r;
		dev->formats[i] = (uint32_t)f;
	}
	/* The job buffer: a power of two, so the encoders' word mask works. */
	dev->ring_words = 1;
	while (dev->ring_words * 2 <= max_submit && dev->ring_words < 65536)
		dev->ring_words *= 2;
	return 0;
}

static int events_init(struct gfx_device *dev)
{
	struct epoll_event ev = { .events = EPOLLIN };

	dev->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dev->event_fd = epoll_create1(EPOLL_CLOEXEC);
	if (dev->notify_fd < 0 || dev->event_fd < 0)
		return -errno;
	ev.data.fd = dev->drm->fd;
	if (epoll_ctl(dev->event_fd, EPOLL_CTL_ADD, dev->drm->fd, &ev) < 0)
		return -errno;
	ev.data.fd = dev->notify_fd;
	if (epoll_ctl(dev->event_fd, EPOLL_CTL_ADD, dev->notify_fd, &ev) < 0)
		return -errno;
	return 0;
}

static void drm_close(struct gfx_device *dev)
{
	struct gfx_drm *d = dev->drm;

	if (d) {
		drm_fence_fini(d);
		drm_job_fini(d);
		drm_bo_fini(d);
		if (d->kms)
			kms_output_fini(&d->out);
		if (d->fd >= 0)
			close(d->fd);	/* closes every GEM handle and framebuffer of ours */
		free(d);
	}
	free((void *)dev->ring);
	gfx_device_free(dev);
}

static int open_node(struct gfx_device *dev, const char *path, char *err, size_t len)
{
	struct gfx_drm *d = dev->drm;
	int r;

	d->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (d->fd < 0) {
		r = -errno;
		snprintf(err, len, "cannot open %s: %s", path, strerror(-r));
		return r;
	}
	if (!is_gfx_drm(d->fd)) {
		snprintf(err, len, "%s is not a %s device", path, GFX_DRM_NAME);
		return -ENODEV;
	}
	r = read_identity(dev, err, len);
	if (r < 0)
		return r;
	dev->ring = calloc(dev->ring_words, sizeof(uint32_t));
	if (!dev->ring || drm_job_init(dev) < 0) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	dev->ring_mask = dev->ring_words - 1;
	drm_fence_page_map(d);
	r = events_init(dev);
	if (r < 0) {
		snprintf(err, len, "cannot set up the event fd: %s", strerror(-r));
		return r;
	}
	if (drmGetNodeTypeFromFd(d->fd) == DRM_NODE_PRIMARY) {
		r = drm_kms_init(dev);
		if (r < 0) {
			snprintf(err, len, "%s: %s", path, dev->err);
			return r;
		}
	}
	return 0;
}

int gfx_drm_open(const char *path, struct gfx_device **out, char *err, size_t len)
{
	struct gfx_device *dev = gfx_device_alloc(&gfx_drm_driver, GFX_MAX_CMD_WORDS);
	int r;

	*out = NULL;
	if (dev)
		dev->drm = calloc(1, sizeof(*dev->drm));
	if (!dev || !dev->drm) {
		if (dev)
			gfx_device_free(dev);
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	dev->backend = "drm";
	dev->drm->fd = -1;
	dev->drm->watch_fd = -1;
	r = open_node(dev, path, err, len);
	if (r < 0) {
		drm_close(dev);
		return r;
	}
	*out = dev;
	return 0;
}

static int drm_get_info(struct gfx_device *dev, struct gfx_info *info)
{
	struct gfx_drm *d = dev->drm;
	uint64_t v, errors = 0, hangs = 0;
	int r;

	memset(info, 0, sizeof(*info));
	info->backend = dev->backend;
	info->version = (uint32_t)d->version;
	info->caps = (uint32_t)d->caps;
	info->vram_size = dev->vram_size;
	info->format_count = dev->format_count;
	memcpy(info->formats, dev->formats, sizeof(info->formats));
	info->width = dev->mode_width;
	info->height = dev->mode_height;
	info->refresh_mhz = d->kms ? d->out.refresh_mhz : 0;
	info->context_count = dev->context_count;
	{
		struct stat st;

		info->device_id = fstat(d->fd, &st) == 0 ? (uint64_t)st.st_rdev : 0;
	}
	info->window_offset = dev->window_offset;
	info->window_size = dev->window_size;
	r = drm_param(d->fd, DRM_GFX_PARAM_VRAM_FREE, 0, &info->vram_free) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_SEQNO_DONE, 0, &info->fence_done) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_ERROR_COUNT, 0, &errors) ?:
	    drm_param(d->fd, DRM_GFX_PARAM_HANG_COUNT, 0, &hangs);
	if (r < 0)
		return drm_ioctl_err(dev, r, "GET_PARAM");
	info->error_count = (uint32_t)errors;
	info->reset_count = (uint32_t)hangs;
	if (d->kms && drm_last_vblank(dev, &info->vblank_seq, &v) < 0)
		info->vblank_seq = 0;
	if (!info->refresh_mhz && drm_param(d->fd, DRM_GFX_PARAM_MODE_REFRESH, 0, &v) == 0)
		info->refresh_mhz = (uint32_t)v;
	return 0;
}

/* A user-mode queue's progress, for a compositor that shows its buffers (gfx_bo.context). */
static int drm_context_info(struct gfx_device *dev, uint32_t ctx, struct gfx_context_info *info)
{
	int r;

	memset(info, 0, sizeof(*info));
	r = drm_param(dev->drm->fd, DRM_GFX_PARAM_CONTEXT_FENCE, ctx, &info->fence_done);
	if (r == -EINVAL)
		return gfx_set_error(dev, r, "no user-mode queue's context %u on this GPU", ctx);
	return r < 0 ? drm_ioctl_err(dev, r, "GET_PARAM CONTEXT_FENCE") : 0;
}

const struct gfx_driver gfx_drm_driver = {
	.close = drm_close,
	.get_info = drm_get_info,
	.bo_create = drm_bo_create,
	.bo_destroy = drm_bo_destroy,
	.bo_export = drm_bo_export,
	.bo_import = drm_bo_import,
	.context_info = drm_context_info,
	.emit_surface = drm_emit_surface,
	.make_space = drm_make_space,
	.submit = drm_submit,
	.fence = drm_fence,
	.fence_done = drm_fence_done,
	.fence_wait = drm_fence_wait,
	.fence_export = drm_fence_export,
	.reset = drm_reset,
	.flip = drm_flip,
	.emit_wait_vblank = drm_emit_wait_vblank,
	.wait_vblank = drm_wait_vblank,
	.last_vblank = drm_last_vblank,
	.dispatch = drm_dispatch,
	.set_vblank_events = drm_set_vblank_events,
	.set_input_events = drm_set_input_events,
};
