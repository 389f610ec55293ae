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

/*
 * Where the cycle is, as Weston's repaint_status. Whether anything changed
 * is apart from it (repaint.needed): a change in any state but IDLE waits
 * for the state to end.
 *
 *   IDLE --change--> SCHEDULED --timer: damage--> AWAITING_FLIP --FLIP_DONE--+
 *                        |      --timer: none--> AWAITING_VBLANK --timer-----+
 *                        +<----------------- needed ------------------------+
 *                                               (else back to IDLE)
 */
enum repaint_state {
	REPAINT_IDLE,		/* nothing armed: the next change schedules a repaint */
	REPAINT_SCHEDULED,	/* the repaint timer is armed */
	REPAINT_AWAITING_FLIP,	/* a frame is submitted, its FLIP_DONE not seen */
	REPAINT_AWAITING_VBLANK,/* nothing flipped: a timer stands in for the vblank */
	REPAINT_STOPPED,	/* the server goes down: no more frames */
};

struct repaint {
	enum repaint_state state;
	bool needed;			/* something changed since the last frame */
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
/* No more frames from now on (the server goes down). */
void repaint_stop(struct server *s);
/* Stop the cycle, let the GPU finish, free the timers. */
void repaint_fini(struct server *s);
/* Something changed: repaint at the next vblank's repaint window. */
void repaint_schedule(struct server *s);
/* The device latched a flip (GFX_EVENT_FLIP_DONE). */
void repaint_flip_done(struct server *s, uint64_t seq, uint64_t time_ns, uint64_t user_data);

#endif /* COMPOSITOR_REPAINT_H */
