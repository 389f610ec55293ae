/* SPDX-License-Identifier: MIT */
/*
 * pacer.h - virtual vblanks at a display's rate, for displays that have
 * none: virtio_gpu, bochs and simpledrm through KMS (their kernel sends a
 * flip's event when the update is queued, not shown), and virtio-gpu from
 * user space. A timerfd fires at each virtual vblank anyone waits for; a
 * flip handed to the display is shown, and its FLIP_DONE queued, at the
 * virtual vblank after that; vblank events every period while they are on.
 * So a compositor draws at the display's rate, not as fast as it can. The
 * times carry none of a display's guarantees (present_flags 0).
 */
#ifndef GFX_PACER_H
#define GFX_PACER_H

#include <stdbool.h>
#include <stdint.h>

#include "evq.h"

struct gfx_pacer {
	int timer_fd;			/* readable at the virtual vblank it is armed for */
	int64_t t0;			/* virtual vblank n is at t0 + n * period_ns */
	uint64_t period_ns;
	bool held;			/* a flip handed over, shown at the next virtual vblank */
	uint64_t held_user_data, held_after;
	bool vblanks;			/* vblank events are on */
	uint64_t last_seq;		/* the newest virtual vblank handled */
	int64_t armed_ns;		/* when the timer fires (0: off): the clock tells, no poll */
};

/* timer_fd -1 after a failure (message in dev). */
int gfx_pacer_init(struct gfx_device *dev, struct gfx_pacer *p, uint64_t period_ns);
void gfx_pacer_fini(struct gfx_pacer *p);
/* A new rate (the mode changed): the sequence goes on from the newest virtual vblank. */
void gfx_pacer_set_period(struct gfx_pacer *p, uint64_t period_ns);
/* The newest virtual vblank at or before t, and the time of vblank seq. */
uint64_t gfx_pacer_seq(const struct gfx_pacer *p, int64_t t);
int64_t gfx_pacer_time(const struct gfx_pacer *p, uint64_t seq);
/*
 * A flip handed to the display (the one before it shown) when vblank `after`
 * was the newest: its FLIP_DONE at the first virtual vblank after that.
 */
void gfx_pacer_hold(struct gfx_pacer *p, uint64_t user_data, uint64_t after);
/* Vblank events on or off. */
void gfx_pacer_set_vblanks(struct gfx_pacer *p, bool on);
/*
 * If the timer fired: queue the held flip's FLIP_DONE (true: it was shown)
 * and the vblank event, and arm the timer for the next one anyone wants.
 */
bool gfx_pacer_tick(struct gfx_device *dev, struct gfx_pacer *p, struct gfx_evq *q);
/* Sleep to the next virtual vblank; its sequence and time. */
void gfx_pacer_sleep(const struct gfx_pacer *p, uint64_t *seq, uint64_t *time_ns);

#endif /* GFX_PACER_H */
