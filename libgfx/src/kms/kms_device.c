/* SPDX-License-Identifier: MIT */
/*
 * kms_device.c - libgfx on any KMS device (kms_priv.h): finding and opening
 * the card, its identity, the display and the event loop, the driver table.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "engine.h"
#include "gfx_drm.h"
#include "kms_priv.h"

/* A card we can drive: dumb buffers, a KMS driver other than our GPU's (that is drm:). */
static bool usable_card(int fd, char *name, size_t len)
{
	drmVersionPtr v = drmGetVersion(fd);
	uint64_t dumb = 0;
	bool ok = v && v->name && strcmp(v->name, GFX_DRM_NAME) != 0 &&
		  drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &dumb) == 0 && dumb;

	if (ok && name)
		snprintf(name, len, "%s", v->name);
	drmFreeVersion(v);
	return ok;
}

int gfx_kms_find(char *path, size_t path_len)
{
	DIR *d = opendir("/dev/dri");
	struct dirent *e;
	int best = -1;

	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char p[300];
		int n, fd;

		if (sscanf(e->d_name, "card%d", &n) != 1 || (best >= 0 && n > best))
			continue;
		snprintf(p, sizeof(p), "/dev/dri/%s", e->d_name);
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && usable_card(fd, NULL, 0))
			best = n;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	if (best < 0)
		return -ENOENT;
	snprintf(path, path_len, "/dev/dri/card%d", best);
	return 0;
}

static void kms_close(struct gfx_device *dev)
{
	struct gfx_kms *k = dev->kms;

	if (k) {
		cpu_exec_fini(dev);
		kms_mem_fini(dev);
		kms_output_fini(&k->out);
		if (k->fd >= 0)
			close(k->fd);	/* the framebuffers and buffers of ours go with it */
		free(k);
	}
	gfx_device_free(dev);
}

static int epoll_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

/* gfx_get_fd(): the card, our notification eventfd, the pacing timer, the hotplug socket, the engine's thread. */
static int events_init(struct gfx_device *dev)
{
	struct gfx_kms *k = dev->kms;

	dev->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dev->event_fd = epoll_create1(EPOLL_CLOEXEC);
	if (dev->notify_fd < 0 || dev->event_fd < 0)
		return -errno;
	return epoll_add(dev->event_fd, k->fd) ?: epoll_add(dev->event_fd, dev->notify_fd) ?:
	       epoll_add(dev->event_fd, kms_output_timer_fd(&k->out)) ?:
	       epoll_add(dev->event_fd, kms_output_hotplug_fd(&k->out)) ?:
	       epoll_add(dev->event_fd, cpu_worker_fd(dev));
}

static void kms_latched(struct gfx_device *dev)
{
	kms_mem_latched(dev);
}

static int open_card(struct gfx_device *dev, const char *path, char *err, size_t len)
{
	struct gfx_kms *k = dev->kms;
	int r;

	k->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (k->fd < 0) {
		r = -errno;
		snprintf(err, len, "cannot open %s: %s", path, strerror(-r));
		return r;
	}
	if (!usable_card(k->fd, k->driver, sizeof(k->driver))) {
		snprintf(err, len, "%s: not a KMS device with dumb buffers (our GPU's gfx_drm is "
			 "drm:%s)", path, path);
		return -ENODEV;
	}
	dev->max_cmd_words = GFX_MAX_CMD_WORDS;
	dev->context_count = 1;
	dev->format_count = engine_format_count;
	memcpy(dev->formats, engine_formats, engine_format_count * sizeof(uint32_t));
	r = kms_output_init(dev, &k->out, k->fd) ?: kms_mem_init(dev) ?:
	    cpu_exec_init(dev, &k->cpu, k->arena, k->arena_size);
	/* Without the uevent socket (a sandbox may deny netlink) only hotplugs go unseen. */
	if (r == 0) {
		kms_output_watch_hotplug(dev, &k->out);
		kms_cursor_init(dev, &k->out);
	}
	if (r == 0 && (r = events_init(dev)) < 0)
		gfx_set_error(dev, r, "cannot set up the event fd: %s", strerror(-r));
	if (r < 0) {
		snprintf(err, len, "%s (%s): %s", path, k->driver, dev->err);
		return r;
	}
	k->out.latched = kms_latched;
	return 0;
}

int gfx_kms_open(const char *path, struct gfx_device **out, char *err, size_t len)
{
	struct gfx_device *dev = gfx_device_alloc(&gfx_kms_driver, GFX_MAX_CMD_WORDS);
	int r;

	*out = NULL;
	if (dev)
		dev->kms = calloc(1, sizeof(*dev->kms));
	if (!dev || !dev->kms) {
		if (dev)
			gfx_device_free(dev);
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	dev->backend = "kms";
	dev->kms->fd = -1;
	dev->kms->out.pace.timer_fd = dev->kms->out.hotplug_fd = -1;
	r = open_card(dev, path, err, len);
	if (r < 0) {
		kms_close(dev);
		return r;
	}
	*out = dev;
	return 0;
}

static int kms_get_info(struct gfx_device *dev, struct gfx_info *info)
{
	struct gfx_kms *k = dev->kms;
	struct stat st;
	uint64_t t;

	memset(info, 0, sizeof(*info));
	info->backend = dev->backend;
	info->vram_size = dev->vram_size;
	info->vram_free = gfx_alloc_free_bytes(dev);
	info->format_count = dev->format_count;
	memcpy(info->formats, dev->formats, sizeof(info->formats));
	info->width = dev->mode_width;
	info->height = dev->mode_height;
	info->refresh_mhz = k->out.refresh_mhz;
	info->fence_done = cpu_done(dev);
	info->error_count = k->cpu.errors;
	info->context_count = 1;
	info->window_offset = dev->window_offset;
	info->window_size = dev->window_size;
	info->device_id = fstat(k->fd, &st) == 0 ? (uint64_t)st.st_rdev : 0;
	kms_output_last_vblank(dev, &k->out, &info->vblank_seq, &t);
	return 0;
}

static int kms_emit_surface(struct gfx_device *dev, uint32_t slot,
			    const struct gfx_surface_state *s)
{
	return gfx_emit_surface(dev, slot, s);
}

/* The frame is drawn before it is shown: what was built runs first. */
static int kms_flip(struct gfx_device *dev, const struct gfx_bo *bo, const struct gfx_rect *damage,
		    unsigned int n, uint64_t user_data)
{
	uint32_t fb_id = 0;
	int r = kms_fb_for(dev, bo, &fb_id) ?: cpu_flush(dev);

	return r < 0 ? r : kms_output_flip(dev, &dev->kms->out, fb_id, damage, n, user_data);
}

static int kms_cursor_set_op(struct gfx_device *dev, const struct gfx_bo *bo, int32_t hot_x,
			     int32_t hot_y)
{
	int r = cpu_flush(dev);	/* what was drawn into it is there first */

	return r < 0 ? r : kms_cursor_set(dev, &dev->kms->out, bo ? bo->map : NULL,
					  bo ? bo->stride : 0, hot_x, hot_y);
}

static int kms_cursor_move_op(struct gfx_device *dev, int32_t x, int32_t y)
{
	return kms_cursor_move(dev, &dev->kms->out, x, y);
}

static int kms_emit_wait_vblank(struct gfx_device *dev)
{
	return gfx_set_error(dev, -EOPNOTSUPP, "no WAIT_VBLANK command on kms: the CPU draws at "
			     "once (use gfx_wait_vblank)");
}

static int kms_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns,
			   int64_t timeout_ns)
{
	return kms_output_wait_vblank(dev, &dev->kms->out, seq, time_ns, timeout_ns);
}

static int kms_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns)
{
	return kms_output_last_vblank(dev, &dev->kms->out, seq, time_ns);
}

static int kms_set_vblank_events(struct gfx_device *dev, bool on)
{
	return kms_output_set_vblank_events(dev, &dev->kms->out, on);
}

static int kms_set_input_events(struct gfx_device *dev, bool on)
{
	return on ? gfx_set_error(dev, -EOPNOTSUPP, "no input FIFO on kms: use evdev") : 0;
}

static int kms_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	struct gfx_kms *k = dev->kms;

	cpu_poll(dev);
	return kms_output_dispatch(dev, &k->out, cpu_done(dev), &k->cpu.reported_done, handler, data);
}

const struct gfx_driver gfx_kms_driver = {
	.close = kms_close,
	.get_info = kms_get_info,
	.bo_create = kms_bo_create,
	.bo_destroy = kms_bo_destroy,
	.emit_surface = kms_emit_surface,
	.make_space = cpu_make_space,
	.submit = cpu_submit,
	.fence = cpu_fence,
	.fence_done = cpu_fence_done,
	.fence_wait = cpu_fence_wait,
	.reset = cpu_reset,
	.flip = kms_flip,
	.emit_wait_vblank = kms_emit_wait_vblank,
	.wait_vblank = kms_wait_vblank,
	.last_vblank = kms_last_vblank,
	.dispatch = kms_dispatch,
	.cursor_set = kms_cursor_set_op,
	.cursor_move = kms_cursor_move_op,
	.set_vblank_events = kms_set_vblank_events,
	.set_input_events = kms_set_input_events,
};
