/* SPDX-License-Identifier: MIT */
/*
 * drm_priv.h - libgfx on the kernel's DRM driver (gfx_drm): private state
 * shared by drm_device.c, drm_bo.c, drm_job.c, drm_fence.c and drm_kms.c.
 *
 * The command encoders write into dev->ring as for the user-mode driver,
 * but here dev->ring is a buffer in our memory, filled from word 0: a job.
 * SUBMIT hands it to the kernel, which validates it, relocates its
 * SET_SURFACE offsets (one reloc each, naming a GEM handle of the job's
 * list) and copies it into the real ring. Each job starts without engine
 * state, so a job opens by restating the surfaces and clip libgfx has set.
 */
#ifndef GFX_DRM_PRIV_H
#define GFX_DRM_PRIV_H

#include "internal.h"
#include "kms_output.h"
#include "gfx_drm.h"

/* A GEM object of ours, known by its VRAM offset. */
struct drm_bo {
	uint32_t offset, size;		/* VRAM */
	uint32_t handle;
	uint32_t refs;			/* imports of the same dma-buf share the handle */
	uint32_t context;		/* a user-mode queue's window: its context (BO_INFO) */
	void *map;
	/* The framebuffer made at the first flip to (part of) it. */
	uint32_t fb_id, fb_offset, fb_width, fb_height, fb_stride, fb_format;
};

struct gfx_drm {
	int fd;
	uint64_t caps, version;

	/* Our buffers, sorted by offset. */
	struct drm_bo *bos;
	unsigned int bo_n, bo_cap;

	/* The job being built in dev->ring[0 .. dev->tail). */
	bool job_open;			/* restated; more words are real work */
	uint32_t restate_words;		/* the job's words before the real work */
	uint32_t *job_handles;		/* the job's buffer list */
	unsigned int job_bo_n;
	struct drm_gfx_reloc *relocs;
	unsigned int reloc_n, reloc_cap;
	uint32_t *closing;		/* handles to close once the job is submitted */
	unsigned int closing_n, closing_cap;

	/* Fences: job seqnos from the kernel. */
	const struct drm_gfx_fence_page *fence_page;	/* read-only map, NULL on old kernels */
	uint64_t errors_seen;		/* fence_page->errors at our last WAIT */
	uint32_t irq_sync;		/* syncobj of the jobs whose fence wakes the event loop */
	uint32_t out_sync;		/* the next SUBMIT's out_sync (irq_sync), else 0 */
	int watch_fd;			/* irq_sync's sync_file in the epoll set, -1: none */
	uint64_t watch_seqno;		/* the job it is of */
	uint64_t last_job;		/* newest of ours, 0 = none yet */
	uint64_t done;			/* newest known complete */
	uint64_t reported_done;		/* newest reported as GFX_EVENT_FENCE */

	/* KMS (a card node with our CRTC); kms false on a render node. */
	bool kms;
	struct kms_output out;
	uint64_t flip_job;		/* our newest job before the pending flip: done when it latches */
};

/* drm_device.c */
int drm_ioctl_err(struct gfx_device *dev, int r, const char *what);
int drm_param(int fd, uint32_t param, uint32_t index, uint64_t *value);

/* drm_bo.c */
struct drm_bo *drm_bo_containing(struct gfx_drm *d, uint32_t offset, uint64_t end);
int drm_bo_create(struct gfx_device *dev, struct gfx_bo *bo);
void drm_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo);
int drm_bo_export(struct gfx_device *dev, const struct gfx_bo *bo, int *fd, uint32_t *offset);
/* bo has the shape; its plane is at `offset` in fd's buffer. Fills offset, size, map, context. */
int drm_bo_import(struct gfx_device *dev, int fd, uint32_t offset, struct gfx_bo *bo);
void drm_bo_fini(struct gfx_drm *d);
void drm_close_handle(int fd, uint32_t handle);

/* drm_job.c */
int drm_job_init(struct gfx_device *dev);
void drm_job_fini(struct gfx_drm *d);
bool drm_job_uses(struct gfx_drm *d, uint32_t handle);
void drm_job_close_later(struct gfx_device *dev, uint32_t handle);
int drm_emit_surface(struct gfx_device *dev, uint32_t slot, const struct gfx_surface_state *s);
int drm_make_space(struct gfx_device *dev, uint64_t words);
int drm_submit(struct gfx_device *dev);
int drm_reset(struct gfx_device *dev);

/* drm_fence.c */
void drm_fence_page_map(struct gfx_drm *d);
void drm_fence_fini(struct gfx_drm *d);
int drm_fence(struct gfx_device *dev, bool irq, uint64_t *seqno);
bool drm_fence_done(struct gfx_device *dev, uint64_t seqno);
int drm_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns);
int drm_fence_export(struct gfx_device *dev, uint64_t seqno, int *fd);
/* One WAIT ioctl; 0 (done), -EIO (done, with an error: noted for dispatch), -ETIMEDOUT. */
int drm_wait_ioctl(struct gfx_device *dev, uint64_t seqno, int64_t deadline_ns);
/* The watched job is done: its sync_file leaves the event loop. */
void drm_fence_unwatch_done(struct gfx_device *dev);

/* drm_kms.c */
int drm_kms_init(struct gfx_device *dev);
void drm_kms_fb_gone(struct gfx_device *dev, uint32_t fb_id);
int drm_flip(struct gfx_device *dev, const struct gfx_bo *bo, const struct gfx_rect *damage,
	     unsigned int n, uint64_t user_data);
int drm_emit_wait_vblank(struct gfx_device *dev);
int drm_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns, int64_t timeout_ns);
int drm_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns);
int drm_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data);
int drm_set_vblank_events(struct gfx_device *dev, bool on);
int drm_set_input_events(struct gfx_device *dev, bool on);

#endif /* GFX_DRM_PRIV_H */
