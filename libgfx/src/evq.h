/* SPDX-License-Identifier: MIT */
/*
 * evq.h - events that wait for gfx_dispatch(), in the drivers whose events
 * libgfx makes itself from what it read elsewhere (drm and kms: the card's
 * fd; virtio: the used rings; pacer.h's virtual vblanks). Pushing one wakes
 * an event loop that polls gfx_get_fd() (the device's notify eventfd).
 */
#ifndef GFX_EVQ_H
#define GFX_EVQ_H

#include "internal.h"

#define GFX_EVQ_MAX	64

struct gfx_evq {
	struct gfx_event ev[GFX_EVQ_MAX];
	unsigned int n;
};

/*
 * Queue ev; a reader that never dispatches loses the newest once the queue
 * is full. Pushed while the driver's dispatch takes its events in
 * (dev->dispatching), the notify fd is left alone: this dispatch delivers it.
 */
void gfx_evq_push(struct gfx_device *dev, struct gfx_evq *q, const struct gfx_event *ev);
/* Wake an event loop polling gfx_get_fd(): the next gfx_dispatch() has work. */
void gfx_evq_notify(struct gfx_device *dev);
/*
 * gfx_dispatch() of such a driver, once it took what its fds hold: the
 * device lost (once, then -ENODEV), refused commands (dev->errors), the
 * queued events, then fence progress (*reported catches up with done).
 * Returns the number of events handled.
 */
int gfx_evq_dispatch(struct gfx_device *dev, struct gfx_evq *q, uint64_t done, uint64_t *reported,
		     gfx_event_handler handler, void *data);

#endif /* GFX_EVQ_H */
