/* SPDX-License-Identifier: MIT */
/* evq.c - events that wait for gfx_dispatch() (evq.h). */
#include <unistd.h>

#include "evq.h"

void gfx_evq_notify(struct gfx_device *dev)
{
	uint64_t one = 1;

	if (!dev->notify_pending) {
		(void)!write(dev->notify_fd, &one, sizeof(one));
		dev->notify_pending = true;
	}
}

void gfx_evq_push(struct gfx_device *dev, struct gfx_evq *q, const struct gfx_event *ev)
{
	if (q->n == GFX_EVQ_MAX)
		return;
	q->ev[q->n++] = *ev;
	if (!dev->dispatching)	/* an event loop polling gfx_get_fd() wakes for it */
		gfx_evq_notify(dev);
}

static int deliver(struct gfx_device *dev, struct gfx_evq *q, gfx_event_handler handler,
		   void *data)
{
	int events = 0;

	for (unsigned int i = 0; i < dev->errors_n; i++, events++) {
		struct gfx_event ev = { .type = GFX_EVENT_ERROR, .error_code = dev->errors[i].code,
					.error_offset = dev->errors[i].offset };

		if (handler)
			handler(dev, &ev, data);
	}
	dev->errors_n = 0;
	for (unsigned int i = 0; q && i < q->n; i++, events++)
		if (handler)
			handler(dev, &q->ev[i], data);
	if (q)
		q->n = 0;
	return events;
}

int gfx_evq_dispatch(struct gfx_device *dev, struct gfx_evq *q, uint64_t done, uint64_t *reported,
		     gfx_event_handler handler, void *data)
{
	uint64_t junk;
	int events;

	if (dev->lost) {
		if (!dev->lost_reported) {
			struct gfx_event ev = { .type = GFX_EVENT_DEVICE_LOST };

			dev->lost_reported = true;
			if (handler)
				handler(dev, &ev, data);
		}
		return gfx_lost(dev);
	}
	if (dev->notify_pending) {
		(void)!read(dev->notify_fd, &junk, sizeof(junk));
		dev->notify_pending = false;
	}
	events = deliver(dev, q, handler, data);
	if (done != *reported) {
		struct gfx_event ev = { .type = GFX_EVENT_FENCE, .seq = done };

		*reported = done;
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	return events;
}
