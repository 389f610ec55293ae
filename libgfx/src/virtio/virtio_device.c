/* SPDX-License-Identifier: MIT */
/*
 * virtio_device.c - libgfx on virtio-gpu from user space (virtio_priv.h):
 * opening, the pool as VRAM, buffers, flips, the paced vblanks, the event
 * loop, the driver table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "engine.h"
#include "uio_sysfs.h"
#include "virtio_priv.h"

/* ---- buffers: pool ranges; a flipped one has a resource ---- */

static int virtio_bo_create(struct gfx_device *dev, struct gfx_bo *bo)
{
	uint32_t off;
	int r = gfx_alloc(dev, bo->size, &off);

	if (r == -ENOSPC)
		return gfx_set_error(dev, r, "out of memory for a %ux%u buffer (%u bytes; the "
				     "uio_vgpu module's pool_mib sets the pool)", bo->width, bo->height,
				     bo->size);
	if (r < 0)
		return r;
	bo->offset = off;
	bo->map = dev->virtio->pool + off;
	return 0;
}

/* Resource i goes (the host forgets it), and its buffer's range is free again. */
static void res_free(struct gfx_device *dev, unsigned int i)
{
	struct gfx_virtio *v = dev->virtio;
	struct vio_res *r = &v->res[i];

	vio_res_destroy(dev, r);
	pixman_region32_fini(&r->stale);
	gfx_free_after(dev, r->offset, r->size, 0);
	memmove(r, r + 1, (v->res_n - i - 1) * sizeof(*r));
	v->res_n--;
}

static void virtio_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo)
{
	struct gfx_virtio *v = dev->virtio;
	bool has_res = false;

	if (dev->tail && !dev->lost)
		cpu_flush(dev);	/* commands not yet run may use it */
	for (unsigned int i = 0; i < v->res_n; i++) {
		if (v->res[i].offset != bo->offset || v->res[i].doomed)
			continue;
		has_res = true;
		if (v->res[i].id == v->scanout_res && !dev->lost)
			v->res[i].doomed = true;	/* on screen: goes once replaced */
		else
			res_free(dev, i);
		break;
	}
	if (!has_res)
		gfx_free_after(dev, bo->offset, bo->size, 0);
}

/* Resources destroyed while on screen, now that another one is. */
static void free_doomed(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;

	for (unsigned int i = 0; i < v->res_n;) {
		if (v->res[i].doomed && v->res[i].id != v->scanout_res)
			res_free(dev, i);
		else
			i++;
	}
}

/* ---- the display ---- */

/* Take what the interrupt and the pacing timer brought. */
static void take_events(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;

	vio_irq_drain(dev);
	if (dev->lost)
		return;
	vio_queue_reap(dev, &v->ctrl);
	vio_queue_reap(dev, &v->cursor);
	if (vio_pci_display_event(v)) {
		v->display_events++;
		v->display_changed = true;
		if (!dev->dispatching)	/* an event loop wakes to read it in gfx_dispatch() */
			gfx_evq_notify(dev);
	}
	if (gfx_pacer_tick(dev, &v->pace, &v->events))
		v->flip_pending = false;
}

/* One flip at a time: wait until the last one is shown (its flush answered, then a vblank). */
static int wait_flip(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	struct pollfd p[2] = { { .fd = v->fd, .events = POLLIN },
			       { .fd = v->pace.timer_fd, .events = POLLIN } };
	int64_t deadline = gfx_now_ns() + VIO_WAIT_NS, left;

	take_events(dev);
	while (v->flip_pending && !dev->lost) {
		left = deadline - gfx_now_ns();
		if (left <= 0)
			return gfx_set_error(dev, -ETIMEDOUT, "a flip was not shown in %lld ms",
					     VIO_WAIT_NS / 1000000);
		poll(p, 2, (int)((left + 999999) / 1000000));
		take_events(dev);
	}
	return dev->lost ? gfx_lost(dev) : 0;
}

/* The frame is drawn before it is shown: what was built runs first. */
static int virtio_flip(struct gfx_device *dev, const struct gfx_bo *bo,
		       const struct gfx_rect *damage, unsigned int n, uint64_t user_data)
{
	struct gfx_virtio *v = dev->virtio;
	struct vio_res *r;
	int ret = cpu_flush(dev) ?: wait_flip(dev) ?: vio_res_for(dev, bo, &r);

	if (ret == 0 && v->refused)
		ret = gfx_set_error(dev, -EIO, "virtio-gpu refused %u requests of earlier flips "
				    "(the last: %s)", v->refused, vio_resp_name(v->refused_type));
	if (ret == 0)
		ret = vio_present(dev, r, damage, n, user_data);
	if (ret == 0)
		free_doomed(dev);
	return ret;
}

/* ---- the cursor: the device's cursor queue (virtio 1.2, 5.7.6.8) ---- */

/* The cursor image is 64 x 64 (virtio 1.2, 5.7.6.8; QEMU takes no other size). */
#define VIO_CURSOR_PX	64

static int virtio_cursor_set(struct gfx_device *dev, const struct gfx_bo *bo, int32_t hot_x,
			     int32_t hot_y)
{
	struct gfx_virtio *v = dev->virtio;
	struct vio_res *r = NULL;
	int ret = cpu_flush(dev);	/* what was drawn into it is there first */

	if (ret == 0 && bo)
		ret = vio_res_for(dev, bo, &r);
	if (ret == 0)
		ret = vio_cursor_update(dev, r, hot_x, hot_y, v->cursor_x, v->cursor_y);
	if (ret == 0)
		v->cursor_on = bo != NULL;
	return dev->lost ? gfx_lost(dev) : ret;
}

static int virtio_cursor_move(struct gfx_device *dev, int32_t x, int32_t y)
{
	struct gfx_virtio *v = dev->virtio;
	int ret;

	v->cursor_x = x;
	v->cursor_y = y;
	if (!v->cursor_on)
		return 0;	/* the next set takes the place */
	ret = vio_cursor_move(dev, x, y);
	return dev->lost ? gfx_lost(dev) : ret;
}

static int virtio_emit_wait_vblank(struct gfx_device *dev)
{
	return gfx_set_error(dev, -EOPNOTSUPP, "no WAIT_VBLANK command on virtio: the CPU draws "
			     "at once (use gfx_wait_vblank)");
}

static int virtio_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns,
			      int64_t timeout_ns)
{
	gfx_pacer_sleep(&dev->virtio->pace, seq, time_ns);
	take_events(dev);
	return dev->lost ? gfx_lost(dev) : 0;
}

static int virtio_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns)
{
	struct gfx_pacer *p = &dev->virtio->pace;

	if (dev->lost)
		return gfx_lost(dev);
	*seq = gfx_pacer_seq(p, gfx_now_ns());
	*time_ns = (uint64_t)gfx_pacer_time(p, *seq);
	return 0;
}

static int virtio_set_vblank_events(struct gfx_device *dev, bool on)
{
	dev->vblank_events = on;
	gfx_pacer_set_vblanks(&dev->virtio->pace, on);
	return 0;
}

static int virtio_set_input_events(struct gfx_device *dev, bool on)
{
	return on ? gfx_set_error(dev, -EOPNOTSUPP, "no input FIFO on virtio-gpu: use evdev") : 0;
}

/*
 * After VIRTIO_GPU_EVENT_DISPLAY: the display info again (QEMU sends the
 * event when its window or a VNC client asks for another size, or turns the
 * output off); a new size or rate is the mode from now on, and
 * GFX_EVENT_DISPLAY tells. The scanout keeps its resource until a flip
 * brings one of the new size (vio_present sets the scanout then).
 */
static void display_change(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	uint32_t w = v->width, h = v->height, mhz = v->refresh_mhz;

	v->display_changed = false;
	if (vio_display_info(dev) < 0 || (v->width == w && v->height == h && v->refresh_mhz == mhz))
		return;	/* a failed request marked dev lost, or said why in dev->err */
	dev->mode_width = v->width;
	dev->mode_height = v->height;
	gfx_pacer_set_period(&v->pace, 1000000000000ull / v->refresh_mhz);
	gfx_evq_push(dev, &v->events, &(struct gfx_event){ .type = GFX_EVENT_DISPLAY });
}

static int virtio_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	struct gfx_virtio *v = dev->virtio;

	if (!dev->lost) {
		dev->dispatching = true;
		take_events(dev);
		if (v->display_changed)
			display_change(dev);
		dev->dispatching = false;
	}
	cpu_poll(dev);
	return gfx_evq_dispatch(dev, &v->events, cpu_done(dev), &v->cpu.reported_done, handler, data);
}

static int virtio_get_info(struct gfx_device *dev, struct gfx_info *info)
{
	struct gfx_virtio *v = dev->virtio;
	uint64_t t;

	memset(info, 0, sizeof(*info));
	info->backend = dev->backend;
	info->vram_size = dev->vram_size;
	info->vram_free = gfx_alloc_free_bytes(dev);
	info->format_count = dev->format_count;
	memcpy(info->formats, dev->formats, sizeof(info->formats));
	info->width = dev->mode_width;
	info->height = dev->mode_height;
	info->refresh_mhz = v->refresh_mhz;
	info->fence_done = cpu_done(dev);
	info->error_count = v->cpu.errors;
	info->context_count = 1;
	info->window_offset = dev->window_offset;
	info->window_size = dev->window_size;
	virtio_last_vblank(dev, &info->vblank_seq, &t);
	return 0;
}

static int virtio_emit_surface(struct gfx_device *dev, uint32_t slot,
			       const struct gfx_surface_state *s)
{
	return gfx_emit_surface(dev, slot, s);
}

/* ---- opening and closing ---- */

static void virtio_close(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;

	if (v) {
		vio_pci_gone(dev);	/* then nothing below touches the device or the pool */
		cpu_exec_fini(dev);
		while (v->res_n)
			res_free(dev, v->res_n - 1);
		free(v->res);
		gfx_alloc_fini(dev);
		gfx_pacer_fini(&v->pace);
		vio_pci_close(dev);
		free(v);
	}
	gfx_device_free(dev);
}

static int epoll_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

/* gfx_get_fd(): the stub's node (interrupts), our notification eventfd, the pacing timer. */
static int events_init(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;

	dev->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dev->event_fd = epoll_create1(EPOLL_CLOEXEC);
	if (dev->notify_fd < 0 || dev->event_fd < 0)
		return -errno;
	return epoll_add(dev->event_fd, v->fd) ?: epoll_add(dev->event_fd, dev->notify_fd) ?:
	       epoll_add(dev->event_fd, v->pace.timer_fd) ?:
	       (v->vfio.req_fd >= 0 ? epoll_add(dev->event_fd, v->vfio.req_fd) : 0) ?:
	       (cpu_worker_fd(dev) >= 0 ? epoll_add(dev->event_fd, cpu_worker_fd(dev)) : 0);
}

/* The pool after the queues is VRAM: the allocator's, and the engine's window. */
static int memory_init(struct gfx_device *dev)
{
	struct gfx_virtio *v = dev->virtio;
	int r;

	dev->vram = v->pool;
	dev->vram_size = v->pool_size;
	dev->window_offset = VIO_SYS_BYTES;
	dev->window_size = (uint32_t)(v->pool_size - VIO_SYS_BYTES);
	if (gfx_alloc_init(dev, VIO_SYS_BYTES, v->pool_size) < 0)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	r = cpu_exec_init(dev, &v->cpu, v->pool, v->pool_size);
	if (r == 0)	/* no command draws into the queues */
		engine_set_window(v->cpu.engine, VIO_SYS_BYTES, v->pool_size - VIO_SYS_BYTES);
	return r;
}

static int start(struct gfx_device *dev, const char *path, char *err, size_t len)
{
	struct gfx_virtio *v = dev->virtio;
	int r = vio_pci_open(dev, path, err, len);

	if (r < 0)
		return r;
	dev->max_cmd_words = GFX_MAX_CMD_WORDS;
	dev->context_count = 1;
	dev->format_count = engine_format_count;
	memcpy(dev->formats, engine_formats, engine_format_count * sizeof(uint32_t));
	r = vio_display_info(dev);
	if (r == 0 && !v->width)
		r = gfx_set_error(dev, -ENODEV, "virtio-gpu's scanout 0 is not enabled");
	r = r ?: memory_init(dev) ?:
	    gfx_pacer_init(dev, &v->pace, 1000000000000ull / v->refresh_mhz);
	if (r == 0 && (r = events_init(dev)) < 0)
		gfx_set_error(dev, r, "cannot set up the event fd: %s", strerror(-r));
	if (r < 0) {
		snprintf(err, len, "%s", dev->err);
		return r;
	}
	dev->mode_width = v->width;
	dev->mode_height = v->height;
	dev->cursor_w = dev->cursor_h = VIO_CURSOR_PX;
	/* As the upstream driver does with a plane's buffer changing: for comparisons. */
	v->upload_full = getenv("GFX_VIRTIO_UPLOAD") && !strcmp(getenv("GFX_VIRTIO_UPLOAD"), "full");
	return 0;
}

int gfx_virtio_find(void)
{
	char where[64];

	return uio_find_node(UIO_VGPU_NAME, where, sizeof(where)) == 0 ||
	       vio_vfio_find(where, sizeof(where)) == 0 ? 0 : -ENOENT;
}

int gfx_virtio_open(const char *path, struct gfx_device **out, char *err, size_t len)
{
	struct gfx_device *dev = gfx_device_alloc(&gfx_virtio_driver, GFX_MAX_CMD_WORDS);
	int r;

	*out = NULL;
	if (dev)
		dev->virtio = calloc(1, sizeof(*dev->virtio));
	if (!dev || !dev->virtio) {
		if (dev)
			gfx_device_free(dev);
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	dev->backend = "virtio";
	dev->virtio->fd = -1;
	dev->virtio->vfio.req_fd = -1;
	dev->virtio->pace.timer_fd = -1;
	r = start(dev, path, err, len);
	if (r < 0) {
		virtio_close(dev);
		return r;
	}
	*out = dev;
	return 0;
}

const struct gfx_driver gfx_virtio_driver = {
	.close = virtio_close,
	.get_info = virtio_get_info,
	.bo_create = virtio_bo_create,
	.bo_destroy = virtio_bo_destroy,
	.emit_surface = virtio_emit_surface,
	.make_space = cpu_make_space,
	.submit = cpu_submit,
	.fence = cpu_fence,
	.fence_done = cpu_fence_done,
	.fence_wait = cpu_fence_wait,
	.reset = cpu_reset,
	.flip = virtio_flip,
	.emit_wait_vblank = virtio_emit_wait_vblank,
	.wait_vblank = virtio_wait_vblank,
	.last_vblank = virtio_last_vblank,
	.dispatch = virtio_dispatch,
	.cursor_set = virtio_cursor_set,
	.cursor_move = virtio_cursor_move,
	.set_vblank_events = virtio_set_vblank_events,
	.set_input_events = virtio_set_input_events,
};
