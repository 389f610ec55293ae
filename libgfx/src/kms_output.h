/* SPDX-License-Identifier: MIT */
/*
 * kms_output.h - one display through KMS on any DRM card: the seam the two
 * drivers that show pictures through the kernel share (drm: our GPU's
 * gfx_drm; kms: any KMS device, drawing on the CPU). kms_output.c chooses
 * the configuration, kms_flip.c flips, kms_vblank.c has vblanks and events.
 *
 * An output is the first connected connector, a CRTC that can drive it, the
 * CRTC's primary plane and the connector's preferred mode, or the next mode
 * the driver takes: each is tried with a TEST_ONLY commit of the whole
 * configuration (a scratch framebuffer on the plane). gfx_flip() is a
 * nonblocking atomic commit with a page-flip event (the first one also sets
 * the mode); one flip is pending at a time, a second one waits here for the
 * first one's event. Where the driver refuses atomic (or GFX_KMS_LEGACY=1),
 * the legacy ioctls: SetCrtc for the first flip, PageFlip after. Vblanks come from the CRTC sequence ioctls where the
 * driver has a vblank interrupt. Where it has none (virtio_gpu, bochs,
 * simpledrm: the kernel sends a flip's event when the commit is queued, not
 * when it is shown) the output paces itself at the mode's rate: a virtual
 * vblank every period from a timerfd, flip events held until the next one,
 * so a compositor draws at the display's rate, not as fast as it can.
 * A flip's damage goes to the plane's FB_DAMAGE_CLIPS; where it has none,
 * a paced output's flip to the buffer already shown is a DIRTYFB of it
 * (the drivers without a vblank are those that copy buffers to a display).
 * Events the output took from the fd wait in its queue for gfx_dispatch().
 *
 * Hotplug (the kms driver watches for it; gfx_drm's one connector never
 * changes): on the card's hotplug uevent (kms_hotplug.h) the connectors are
 * probed again as at the start. The same connector, CRTC and mode: nothing
 * happens. Else the output takes the new configuration, the next flip sets
 * it (a modeset, turning off a CRTC it left), and GFX_EVENT_DISPLAY tells
 * the caller, who reads the new mode from gfx_get_info(): width 0 while no
 * connector is connected, when flips fail with -ENXIO.
 */
#ifndef GFX_KMS_OUTPUT_H
#define GFX_KMS_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <xf86drmMode.h>

#include "evq.h"
#include "internal.h"
#include "kms_cursor.h"
#include "pacer.h"

/* More damage rectangles than this go as their bounding box (DIRTYFB takes 256 at most). */
#define KMS_MAX_DAMAGE_RECTS	64

struct kms_output {
	int fd;				/* the card (not ours: the driver closes it) */
	uint32_t crtc_id, plane_id, conn_id, mode_blob;
	drmModeModeInfo mode;
	uint32_t refresh_mhz;
	uint64_t period_ns;
	struct {
		uint32_t fb_id, crtc_id, src_x, src_y, src_w, src_h;
		uint32_t crtc_x, crtc_y, crtc_w, crtc_h;
		uint32_t conn_crtc_id, mode_id, active;
		uint32_t damage_clips;	/* FB_DAMAGE_CLIPS, 0 where the plane has none */
	} prop;
	bool legacy;			/* no atomic: SetCrtc and PageFlip */
	bool connected;			/* a connector with a mode is ours (false: flips fail) */
	struct {			/* left by a hotplug: the next modeset turns them off */
		uint32_t crtc_id, plane_id, conn_id;
	} off;
	int hotplug_fd;			/* kms_hotplug.h's socket, or -1: not watched */
	dev_t card;			/* the card's device number, for its uevents */
	uint32_t scratch_fb, scratch_handle;	/* legacy: the CRTC's picture before a flip */
	bool crtc_on, plane_on, flip_pending;
	uint32_t shown_fb;		/* the framebuffer of our last flip */

	/* Vblanks: the CRTC's, or paced (no vblank interrupt in the driver). */
	struct kms_cursor cursor;	/* kms_cursor.h; w 0: none (gfx_drm's, bochs) */

	bool paced;
	struct gfx_pacer pace;		/* paced only */
	uint64_t commit_seq;		/* paced: the virtual vblank our last commit came in */
	uint64_t last_flip_seq;		/* 64-bit extension of the events' 32-bit sequence */
	uint64_t last_vbl_seq, last_vbl_ns;	/* the newest vblank an event told of */
	bool vblank_armed, wait_vblank_seen;
	uint64_t wait_vblank_seq, wait_vblank_ns;

	struct gfx_evq events;		/* for gfx_dispatch() */

	/* The driver's: a flip latched (drm: the job queued before it is done). */
	void (*latched)(struct gfx_device *dev);
};

/* Pick the objects and the mode on fd (atomic); dev->mode_width/height set. Message in dev. */
int kms_output_init(struct gfx_device *dev, struct kms_output *o, int fd);
void kms_output_fini(struct kms_output *o);
/* Watch for the card's hotplugs (kms_output_hotplug_fd() joins the event loop). */
int kms_output_watch_hotplug(struct gfx_device *dev, struct kms_output *o);
/* The fds an event loop polls besides the card: the pacing timer, the hotplug socket, or -1. */
int kms_output_timer_fd(const struct kms_output *o);
int kms_output_hotplug_fd(const struct kms_output *o);

/* A framebuffer of the GEM handle for bo, whose pixels start at offset inside it. */
int kms_output_add_fb(struct gfx_device *dev, struct kms_output *o, uint32_t handle,
		      uint32_t offset, const struct gfx_bo *bo, uint32_t *fb_id);
/* Remove it; the one on screen turns the plane off, and the next flip sets all again. */
void kms_output_rm_fb(struct kms_output *o, uint32_t fb_id);

/* ---- between kms_output.c, kms_flip.c, kms_vblank.c and kms_cursor.c ---- */

/* The plane of this type (DRM_PLANE_TYPE_*) that the CRTC with index crtc_index can use, or 0. */
uint32_t kms_output_plane(int fd, unsigned int crtc_index, uint64_t type);

/* A TEST_ONLY commit of the whole configuration, a scratch framebuffer on the plane. */
int kms_output_test(struct kms_output *o);
/* A black dumb framebuffer of the mode's size; put it back (zeros are skipped). */
int kms_output_scratch_get(struct kms_output *o, uint32_t *fb_id, uint32_t *handle);
void kms_output_scratch_put(struct kms_output *o, uint32_t fb_id, uint32_t handle);
/* A hotplug: probe the connectors again; a changed display queues GFX_EVENT_DISPLAY. */
void kms_output_reprobe(struct gfx_device *dev, struct kms_output *o);
/* Turn the CRTC on with the mode (blocking), for vblanks before the first flip. */
int kms_output_crtc_on(struct gfx_device *dev, struct kms_output *o);
/*
 * A flip the kernel sends no event for (DIRTYFB, legacy SetCrtc) is on
 * screen: its FLIP_DONE at the next virtual vblank (paced), else now.
 */
void kms_output_shown(struct gfx_device *dev, struct kms_output *o, uint64_t user_data);
/* Wait for the fds (or the deadline), then handle their events; -ETIMEDOUT. */
int kms_output_pump(struct gfx_device *dev, struct kms_output *o, int64_t deadline_ns);

/* ---- the driver table's display operations, for the output of dev ---- */

int kms_output_flip(struct gfx_device *dev, struct kms_output *o, uint32_t fb_id,
		    const struct gfx_rect *damage, unsigned int n, uint64_t user_data);
int kms_output_wait_vblank(struct gfx_device *dev, struct kms_output *o, uint64_t *seq,
			   uint64_t *time_ns, int64_t timeout_ns);
int kms_output_last_vblank(struct gfx_device *dev, struct kms_output *o, uint64_t *seq,
			   uint64_t *time_ns);
int kms_output_set_vblank_events(struct gfx_device *dev, struct kms_output *o, bool on);
/* Take what the fds hold now, without blocking; -ENODEV (dev lost) if the card went away. */
int kms_output_read_events(struct gfx_device *dev, struct kms_output *o);
/*
 * gfx_dispatch() of a driver with an output (o NULL: none, a render node):
 * the device lost (once), refused commands (dev->errors), the output's
 * events, then fence progress: *reported catches up with done.
 */
int kms_output_dispatch(struct gfx_device *dev, struct kms_output *o, uint64_t done,
			uint64_t *reported, gfx_event_handler handler, void *data);

#endif /* GFX_KMS_OUTPUT_H */
