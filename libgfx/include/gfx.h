/* SPDX-License-Identifier: MIT */
/*
 * gfx.h - libgfx, the user-space driver for the reference GPU, and for any
 * KMS display.
 *
 * The same API drives the GPU three ways, and any KMS device a fourth
 * (gfx_open's spec says which):
 *  - uio, direct: the user-mode driver. Commands are plain stores into the
 *    ring in VRAM; gfx_submit() publishes them with one doorbell write. No
 *    system call per command, nor per submit.
 *  - drm: through the kernel's gfx_drm. Commands collect in our memory;
 *    gfx_submit() is one SUBMIT ioctl, which the kernel checks and copies.
 *  - kms: any KMS device (virtio_gpu, bochs, a laptop's panel). The CPU
 *    runs the commands with the same 2D engine as our GPU's model, into dumb
 *    buffers the kernel scans out: gfx_submit() draws, no system call;
 *    buffers and flips are ioctls.
 *  - virtio: QEMU's virtio-gpu driven from user space, through the uio_vgpu
 *    stub or through vfio-pci behind an IOMMU (docs/virtio.md). The CPU
 *    draws as on kms: gfx_submit() makes no system call; a flip uploads the
 *    damage and flushes with one doorbell write, and waits for interrupts
 *    on the stub's node or VFIO's eventfd.
 * Functions returning int return 0 (or a count) on success and a negative
 * errno on failure; gfx_last_error() then gives a readable message. A
 * gfx_device is not thread-safe: use it from one thread (or lock around it).
 */
#ifndef GFX_H
#define GFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The hardware header, installed beside this one: the formats (GFX_FMT_*,
 * DRM fourcc codes), the limits (GFX_MAX_SURFACE_SIDE, GFX_MAX_STRIDE,
 * GFX_MAX_CMD_WORDS), the GFX_ERR_* codes and the command encoding.
 */
#include "gfx_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

struct gfx_device;

/* ---- Opening ---- */

/*
 * spec: "direct:PATH" (gfx-device's socket), "uio:/dev/uioN", "uio" (first
 * uio_gfx device), "drm:/dev/dri/cardN" or "drm:/dev/dri/renderDN" (gfx_drm),
 * "drm" or "drm-render" (the first), "drm-userq:/dev/dri/renderDN" or
 * "drm-userq" (the first render node: a client context of this process's
 * own as gfx_drm's user-mode queue, no display), "kms:/dev/dri/cardN" (any other KMS
 * device), "kms" (the first), "virtio:/dev/uioN" (virtio-gpu on uio_vgpu),
 * "virtio:vfio:BDF" (on vfio-pci, BDF its PCI address), "virtio" (the first
 * of either), or NULL: $GFX_DEVICE, else our GPU (the first uio_gfx device,
 * else gfx_drm), else gfx-device's socket in $XDG_RUNTIME_DIR if it is
 * there, else a virtio-gpu on uio_vgpu or vfio-pci, else the first KMS
 * device.
 */
int gfx_open(const char *spec, struct gfx_device **out);
void gfx_close(struct gfx_device *dev);
/* The message of the last failure on dev; with NULL, why gfx_open() failed (per thread). */
const char *gfx_last_error(const struct gfx_device *dev);

struct gfx_info {
	const char *backend;		/* "direct", "uio", "drm", "drm-userq", "kms" or "virtio" */
	uint32_t version;		/* major << 16 | minor */
	uint32_t caps;			/* GFX_CAP_* */
	uint64_t vram_size;		/* bytes of BAR2 */
	uint64_t vram_free;		/* bytes the allocator can still give */
	uint32_t format_count;
	uint32_t formats[GFX_MAX_FORMATS];	/* DRM fourcc */
	uint32_t width, height;		/* display mode */
	uint32_t refresh_mhz;
	uint64_t vblank_seq;
	uint64_t fence_done;
	uint32_t status;		/* GFX_STATUS_* */
	uint32_t error_count;
	uint32_t reset_count;
	uint32_t context;		/* this device's hardware context: 0 = the master */
	uint32_t context_count;		/* contexts of the GPU (drm: 1 + its user-mode queues) */
	uint32_t window_offset;		/* the VRAM this context's buffers come from */
	uint32_t window_size;
	uint64_t device_id;		/* drm: the node's dev_t (st_rdev); 0 elsewhere */
	uint32_t cursor_width;		/* the hardware cursor's image size (0: none, */
	uint32_t cursor_height;		/* see gfx_cursor_set) */
};
int gfx_get_info(struct gfx_device *dev, struct gfx_info *info);

/* ---- Hardware contexts: direct rendering for several processes ----
 *
 * A GPU opened with gfx_open() is its master context (0): it may flip, wait
 * for vblank and hand out client contexts. A client context has its own
 * ring, fences and interrupt, and the GPU confines it to its own VRAM window;
 * the whole API works on it the same way, except the display functions,
 * which return -EPERM, and its buffers come from its window. The master
 * (a compositor) takes a free context with gfx_context_acquire() and passes
 * the handle's fds to a client (SCM_RIGHTS); the client opens it with
 * gfx_open_context(). Not on drm (-EOPNOTSUPP): there clients use render
 * nodes and dma-buf.
 */
#define GFX_CONTEXT_MAX_FDS 3

struct gfx_context_handle {
	uint32_t context;		/* the client context, 1 .. context_count - 1 */
	uint32_t nfds;			/* fds in use */
	/*
	 * uio: the context's /dev/uioN, opened; direct: VRAM (a memfd: all of
	 * it, the host path has no memory isolation), its doorbell eventfd, its
	 * interrupt eventfd.
	 */
	int fds[GFX_CONTEXT_MAX_FDS];
};

/*
 * Master: take a free client context, reset it, clear its window, and fill
 * h. -EBUSY when every context is in use. On uio a context stays in use
 * until every process holding its node closed it.
 */
int gfx_context_acquire(struct gfx_device *master, struct gfx_context_handle *h);
/*
 * Master: the context is no longer handed out (after its client left); it is
 * taken back and reset. On uio its holder's mappings go (its next access is
 * a SIGBUS) and it cannot start the context again; on direct the device
 * model cannot take fds back, the reset alone stops it.
 */
int gfx_context_release(struct gfx_device *master, uint32_t context);
/* Close the fds of a handle (after passing them on, or instead). */
void gfx_context_handle_close(struct gfx_context_handle *h);
/* Client: open the context a handle names; the fds are taken (closed on failure too). */
int gfx_open_context(struct gfx_context_handle *h, struct gfx_device **out);

/*
 * What the master sees of a client context, from its page's table: no
 * system call. On drm, of a user-mode queue's context (an imported bo's
 * `context`), any file may ask: fence_done alone, one GET_PARAM.
 */
struct gfx_context_info {
	uint32_t window_offset, window_size;	/* the VRAM the context can reach */
	uint64_t fence_done;			/* its completed fence */
	uint32_t status;			/* GFX_STATUS_* */
	uint32_t error_code, error_count, reset_count;
};
int gfx_context_info(struct gfx_device *master, uint32_t context, struct gfx_context_info *info);
/* Master: reset a client context (drops its queue, clears its error, ends a hang). */
int gfx_context_reset(struct gfx_device *master, uint32_t context);

/* ---- Buffer objects in VRAM ---- */

struct gfx_bo {
	uint32_t offset;		/* VRAM (BAR2) offset */
	uint32_t width, height;
	uint32_t stride;		/* bytes */
	uint32_t format;		/* DRM fourcc */
	uint32_t size;			/* bytes */
	void *map;			/* CPU mapping (write-combined on uio) */
	uint32_t context;		/* drm: imported from a user-mode queue's window: its context */
};

/*
 * A surface of 1..GFX_MAX_SURFACE_SIDE pixels each way; the stride is
 * aligned to GFX_PITCH_ALIGN bytes, the offset to 4 KiB.
 */
int gfx_bo_create(struct gfx_device *dev, uint32_t width, uint32_t height,
		  uint32_t format, struct gfx_bo **out);
/*
 * Freed once every command already emitted that may use it is done. Do not
 * destroy the buffer on screen: flip away from it first.
 */
void gfx_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo);
/* Bytes per pixel of a supported format, 0 if unknown. */
uint32_t gfx_format_bpp(uint32_t format);

/*
 * dma-buf (PRIME), on drm and drm-userq (-EOPNOTSUPP elsewhere: hand out a
 * hardware context there). Export: a new fd of the dma-buf holding bo (a
 * buffer of gfx_bo_create), to pass to another process of the same GPU, and
 * where bo starts in it: 0 on drm; on drm-userq the dma-buf is the queue's
 * whole window, and its fences are the queue's (gfx_context_info on the
 * importer). Import: a buffer of this GPU from such an fd, its plane at
 * `offset`, with the shape its sender described; the fd stays the caller's;
 * gfx_bo_destroy lets go of it. The imported bo's `context` names the queue
 * whose window it is, else 0. The _dmabuf pair: the plane at offset 0.
 */
int gfx_bo_export_plane(struct gfx_device *dev, const struct gfx_bo *bo, int *fd, uint32_t *offset);
int gfx_bo_import_plane(struct gfx_device *dev, int fd, uint32_t offset, uint32_t width,
			uint32_t height, uint32_t stride, uint32_t format, struct gfx_bo **out);
int gfx_bo_export_dmabuf(struct gfx_device *dev, const struct gfx_bo *bo, int *fd);
int gfx_bo_import_dmabuf(struct gfx_device *dev, int fd, uint32_t width, uint32_t height,
			 uint32_t stride, uint32_t format, struct gfx_bo **out);

/* ---- Command building (stores into the ring, no system call) ---- */

struct gfx_rect {
	int32_t x, y;
	uint32_t w, h;
};

struct gfx_copy_rect {
	int32_t src_x, src_y;
	int32_t dst_x, dst_y;
	uint32_t w, h;
};

enum gfx_op { GFX_SRC = 0, GFX_OVER = 1 };
enum gfx_filter { GFX_NEAREST = 0, GFX_BILINEAR = 1 };

/*
 * Each emitter returns 0 or a negative errno (-EINVAL for bad arguments,
 * checked before anything reaches the ring). Rectangles must be non-empty
 * and lie inside their surface, as the device demands: clip them first
 * (or use gfx_set_clip). Long rectangle lists are split into commands.
 */
int gfx_set_dst(struct gfx_device *dev, const struct gfx_bo *bo);
int gfx_set_src(struct gfx_device *dev, const struct gfx_bo *bo);
int gfx_set_clip(struct gfx_device *dev, const struct gfx_rect *rects, unsigned int n);
int gfx_fill(struct gfx_device *dev, enum gfx_op op, uint32_t argb_premul,
	     const struct gfx_rect *rects, unsigned int n);
int gfx_copy(struct gfx_device *dev, const struct gfx_copy_rect *rects, unsigned int n);
int gfx_blend(struct gfx_device *dev, uint8_t global_alpha,
	      const struct gfx_copy_rect *rects, unsigned int n);
/* src_* in 16.16 fixed point, in source surface pixels. */
int gfx_stretch(struct gfx_device *dev, int32_t src_x, int32_t src_y,
		int32_t src_w, int32_t src_h, const struct gfx_rect *dst,
		enum gfx_filter filter, enum gfx_op op, uint8_t global_alpha);
/*
 * Emit raw words (for tests and new commands); words[0] is the header. Not
 * checked. After a raw SET_SURFACE, set that slot again with gfx_set_dst/src.
 */
int gfx_emit_raw(struct gfx_device *dev, const uint32_t *words, unsigned int n);

/* ---- Submission and fences ---- */

/* Publish everything emitted so far: one doorbell write. */
int gfx_submit(struct gfx_device *dev);
/*
 * Emit a fence; returns its seqno (> 0) in *seqno. With irq, the device
 * raises an interrupt when it passes it: ask for one only where someone waits.
 */
int gfx_fence(struct gfx_device *dev, bool irq, uint64_t *seqno);
/* True once the device passed seqno (wrap-safe comparison). */
bool gfx_fence_done(struct gfx_device *dev, uint64_t seqno);
/*
 * Submit if needed, then wait: register page, brief spin, then block on the
 * interrupt fd. -ETIMEDOUT: the fence did not signal in time (a hang),
 * -EIO: the device reported an error, -ENODEV: the device is gone.
 */
int gfx_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns);
/* Emit a fence, submit and wait for it. */
int gfx_finish(struct gfx_device *dev, int64_t timeout_ns);
/*
 * A sync_file (a new fd in *fd) that signals once the work up to fence
 * seqno is done, for other processes and the kernel: poll() it, or hand it
 * to a KMS IN_FENCE_FD or a compositor's explicit sync. It may signal later
 * than seqno, never earlier: what was built is submitted, and the kernel's
 * fence may cover a later fence that raises an interrupt. Its status is
 * negative if that work failed or its queue was taken back. Needs kernel
 * fences: "drm" and "drm-userq"; -EOPNOTSUPP elsewhere, -EINVAL for a
 * seqno never emitted.
 */
int gfx_fence_export(struct gfx_device *dev, uint64_t seqno, int *fd);

static inline bool gfx_seqno_passed(uint64_t done, uint64_t seqno)
{
	return (int64_t)(done - seqno) >= 0;
}

/*
 * Reset the engine: drops queued commands, completes all emitted fences.
 * The surfaces set before stay set; clipping is off afterwards.
 */
int gfx_reset(struct gfx_device *dev);

/* ---- Display ---- */

/* Queue a flip to bo, latched at the next vblank; user_data returns in the event. */
int gfx_flip(struct gfx_device *dev, const struct gfx_bo *bo, uint64_t user_data);
/*
 * gfx_flip() that says what changed: damage, n rectangles in bo's pixels,
 * where bo differs from the picture on screen (n 0: all of it). Our GPU
 * scans bo out as it is and takes no notice. A KMS device that copies
 * buffers to its display (virtio_gpu, simpledrm, USB displays) copies only
 * the damage: it gets FB_DAMAGE_CLIPS where the plane has the property, and
 * DIRTYFB where it has not and bo is the buffer already on screen. Such
 * drivers copy a buffer whole when the plane changes to it (virtio_gpu keeps
 * a copy per buffer), so damage saves their work when bo is the one shown.
 */
int gfx_flip_damage(struct gfx_device *dev, const struct gfx_bo *bo,
		    const struct gfx_rect *damage, unsigned int n, uint64_t user_data);
/* Stall the ring until the next vblank. */
int gfx_emit_wait_vblank(struct gfx_device *dev);
/* Block until the next vblank; returns its sequence and timestamp. */
int gfx_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns,
		    int64_t timeout_ns);
/* Last vblank without waiting. */
int gfx_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns);

/* ---- A hardware cursor, where the display has one ----
 *
 * The display lays the image over the frame itself, so moving the pointer
 * draws nothing and flips nothing. kms: the CRTC's cursor plane (a driver
 * with one: virtio_gpu, i915, amdgpu; not bochs); virtio: the device's
 * cursor queue. gfx_info's cursor_width x cursor_height is the image size;
 * 0 x 0 where there is no cursor (our GPU, bochs), and these fail with
 * -EOPNOTSUPP: draw the cursor into the frame there. The cursor shows once
 * the display is on (after the first flip) and follows a display change.
 */
/*
 * Show bo (GFX_FMT_ARGB8888, premultiplied, exactly the cursor size) with
 * its hotspot at (hot_x, hot_y) inside it; NULL hides the cursor. What was
 * built is drawn first; the display keeps its own copy of the pixels.
 */
int gfx_cursor_set(struct gfx_device *dev, const struct gfx_bo *bo, int32_t hot_x, int32_t hot_y);
/* Put the hotspot at (x, y) on the display (it may hang off its edges). */
int gfx_cursor_move(struct gfx_device *dev, int32_t x, int32_t y);

/* ---- Events, for an external event loop ---- */

enum gfx_event_type {
	GFX_EVENT_FLIP_DONE,		/* a flip was latched */
	GFX_EVENT_VBLANK,		/* only while vblank events are on */
	GFX_EVENT_FENCE,		/* fence_done advanced */
	GFX_EVENT_ERROR,		/* a bad command; the ring was recovered */
	GFX_EVENT_DEVICE_LOST,		/* the device vanished */
	GFX_EVENT_INPUT,		/* an evdev event from the device's input FIFO */
	GFX_EVENT_DISPLAY,		/* the display changed: see below */
};

/*
 * GFX_EVENT_DISPLAY: a display came, went or changed its mode (kms: the
 * card's hotplug, the connectors probed again; virtio: the device's
 * VIRTIO_GPU_EVENT_DISPLAY, its display info read again). gfx_get_info()
 * has the new width, height and refresh: 0 x 0 while no display is
 * connected, when gfx_flip() fails with -ENXIO. The mode changes only inside
 * gfx_dispatch(), just before this event; a flip after it needs a buffer of
 * the new size (the first one sets the mode). Our GPU's mode is fixed.
 */

struct gfx_event {
	enum gfx_event_type type;
	uint64_t seq;			/* vblank sequence (FLIP_DONE, VBLANK), fence seqno (FENCE) */
	uint64_t time_ns;		/* the vblank's time, in the caller's CLOCK_MONOTONIC */
	uint64_t user_data;		/* FLIP_DONE: from gfx_flip() */
	uint32_t error_code;		/* ERROR: GFX_ERR_* */
	uint32_t error_offset;		/* ERROR: ring byte offset of the bad command */
	uint16_t input_type;		/* INPUT: evdev type, code and value */
	uint16_t input_code;
	int32_t input_value;
	uint32_t present_flags;		/* FLIP_DONE: GFX_PRESENT_*, what the time is */
};

/*
 * What a FLIP_DONE's time and sequence are, as wp_presentation's feedback
 * kinds say it: our GPU and gfx_drm latch at a real vblank and time it by
 * the display's clock (all three); a KMS device without a vblank interrupt
 * (virtio_gpu, bochs) only said the update was queued, and libgfx paced it
 * at the mode's rate (none).
 */
#define GFX_PRESENT_VSYNC		(1u << 0)	/* shown at a vblank: no tearing */
#define GFX_PRESENT_HW_CLOCK		(1u << 1)	/* the time is the display's */
#define GFX_PRESENT_HW_COMPLETION	(1u << 2)	/* the display said it was shown */
#define GFX_PRESENT_HW	(GFX_PRESENT_VSYNC | GFX_PRESENT_HW_CLOCK | GFX_PRESENT_HW_COMPLETION)

typedef void (*gfx_event_handler)(struct gfx_device *dev, const struct gfx_event *ev,
				  void *data);

/* The fd to poll for POLLIN; then call gfx_dispatch(). */
int gfx_get_fd(struct gfx_device *dev);
/* Handle pending interrupts, calling handler per event; returns events or -errno. */
int gfx_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data);
/* Turn GFX_EVENT_VBLANK delivery on or off (the interrupt is masked while off). */
int gfx_set_vblank_events(struct gfx_device *dev, bool on);

/* Turn GFX_EVENT_INPUT delivery on or off. */
int gfx_set_input_events(struct gfx_device *dev, bool on);

/* Human-readable name of a GFX_ERR_* code. */
const char *gfx_error_name(uint32_t code);

#ifdef __cplusplus
}
#endif

#endif /* GFX_H */
