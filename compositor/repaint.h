/* SPDX-License-Identifier: MIT */
/*
 * repaint.h - the frame cycle: when to repaint, one frame from the scene
 * to the flip, and the flip's end (frame callbacks, presentation feedback,
 * the next repaint). repaint.c reads top to bottom as one frame does.
 */
#ifndef COMPOSITOR_REPAINT_H
#define COMPOSITOR_REPAINT_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>

struct server;

struct repaint {
	bool needed;			/* something changed since the last frame */
	bool scheduled;			/* the repaint timer is armed */
	bool flip_pending;		/* a frame is submitted, its FLIP_DONE not seen */
	bool idle_frame_pending;	/* no flip; a timer stands in for the vblank */
	bool stopped;			/* the server goes down: no more frames */
	uint64_t frame_no;
	uint64_t last_vblank_seq, last_vblank_ns;
	int64_t window_ns;		/* repaint this long before the vblank */
	int timer_fd;
	struct wl_event_source *timer_source;
	int vblank_timer_fd;		/* the idle frame's vblank, or the flip watchdog */
	struct wl_event_source *vblank_timer_source;
	/* Callbacks and feedbacks of the frame in flight. */
	struct wl_list frame_callbacks;
	struct wl_list feedbacks;
	uint64_t frame_fence;
	/* statistics */
	uint64_t frames, missed;
	uint64_t target_seq;		/* the vblank the frame in flight aims at */
	uint64_t late;			/* flips latched after their target vblank */
	unsigned lost_irq_logged;
	uint64_t repaint_ns, submit_ns, aim_vblank_ns;	/* of the frame in flight */
};

int repaint_init(struct server *s);
/* Stop the cycle (no more frames), let the GPU finish, free the timers. */
void repaint_fini(struct server *s);
/* Something changed: repaint at the next vblank's repaint window. */
void repaint_schedule(struct server *s);
/* The device latched a flip (GFX_EVENT_FLIP_DONE). */
void repaint_flip_done(struct server *s, uint64_t seq, uint64_t time_ns, uint64_t user_data);

#endif /* COMPOSITOR_REPAINT_H */
