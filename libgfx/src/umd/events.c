/* SPDX-License-Identifier: MIT */
/*
 * events.c - interrupt enables and the event loop (gfx_get_fd/gfx_dispatch).
 *
 * Dispatch does not trust interrupt causes to count anything: it compares
 * the device's monotonic counters and logs with what it last reported, so
 * coalesced interrupts lose nothing. Waits elsewhere (fences, vblank) may
 * consume the backend's wake-up; they then poke notify_fd so an event loop
 * polling gfx_get_fd() still wakes for what they took.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"
#include "backend.h"

void gfx_irq_update(struct gfx_device *dev)
{
	uint32_t mask = GFX_IRQ_FENCE | GFX_IRQ_FLIP_DONE | GFX_IRQ_ERROR;

	if (dev->lost)
		return;		/* its registers are gone (api.c) */
	if (dev->vblank_refs > 0 || dev->vblank_events)
		mask |= GFX_IRQ_VBLANK;
	if (dev->input_events)
		mask |= GFX_IRQ_INPUT;
	if (mask != dev->irq_enable) {
		dev->irq_enable = mask;
		gfx_wr32(dev, GFX_REG_IRQ_ENABLE, mask);
	}
}

void gfx_note_causes(struct gfx_device *dev, uint32_t causes)
{
	uint32_t wanted = GFX_IRQ_FLIP_DONE | GFX_IRQ_ERROR;
	uint64_t one = 1;

	if (dev->vblank_events)
		wanted |= GFX_IRQ_VBLANK;
	if (dev->input_events)
		wanted |= GFX_IRQ_INPUT;
	/* One poke until dispatch: the eventfd stays readable until it reads it. */
	if ((causes & wanted) && dev->notify_fd >= 0 && !dev->notify_pending) {
		(void)!write(dev->notify_fd, &one, sizeof(one));
		dev->notify_pending = true;
	}
}

int umd_set_vblank_events(struct gfx_device *dev, bool on)
{
	if (dev->lost)
		return gfx_lost(dev);
	if (on && !dev->vblank_events)
		dev->seen_vblank = gfx_rd64(dev, GFX_REG_VBLANK_SEQ);
	dev->vblank_events = on;
	gfx_irq_update(dev);
	return 0;
}

int umd_set_input_events(struct gfx_device *dev, bool on)
{
	if (dev->lost)
		return gfx_lost(dev);
	if (on && !dev->input_events)
		dev->seen_input = gfx_rd64(dev, GFX_REG_INPUT_COUNT);
	dev->input_events = on;
	gfx_irq_update(dev);
	return 0;
}

static uint64_t ld64(const volatile void *p)
{
	return __atomic_load_n((const uint64_t *)p, __ATOMIC_ACQUIRE);
}

static int report_flips(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	const volatile struct gfx_flip_entry *log =
		(const volatile struct gfx_flip_entry *)(dev->regs + GFX_REG_FLIP_LOG);
	uint64_t count = gfx_rd64(dev, GFX_REG_FLIP_COUNT), n;
	int events = 0;

	if (count - dev->seen_flip > GFX_LOG_ENTRIES)	/* older entries are overwritten */
		dev->seen_flip = count - GFX_LOG_ENTRIES;
	for (n = dev->seen_flip + 1; n - 1 != count; n++) {
		const volatile struct gfx_flip_entry *e = &log[n % GFX_LOG_ENTRIES];
		struct gfx_event ev = { .type = GFX_EVENT_FLIP_DONE, .present_flags = GFX_PRESENT_HW };

		ev.seq = ld64(&e->vblank_seq);
		ev.time_ns = gfx_local_ns(dev, ld64(&e->time_ns));
		ev.user_data = ld64(&e->user_data);
		if (ld64(&e->count) != n)
			continue;	/* overwritten while we read: lost to a very slow reader */
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	dev->seen_flip = count;
	return events;
}

static int report_vblanks(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	const volatile struct gfx_vblank_entry *log =
		(const volatile struct gfx_vblank_entry *)(dev->regs + GFX_REG_VBLANK_LOG);
	uint64_t seq = gfx_rd64(dev, GFX_REG_VBLANK_SEQ), n;
	int events = 0;

	if (!dev->vblank_events) {
		dev->seen_vblank = seq;
		return 0;
	}
	if (seq - dev->seen_vblank > GFX_LOG_ENTRIES)
		dev->seen_vblank = seq - GFX_LOG_ENTRIES;
	for (n = dev->seen_vblank + 1; n - 1 != seq; n++) {
		const volatile struct gfx_vblank_entry *e = &log[n % GFX_LOG_ENTRIES];
		struct gfx_event ev = { .type = GFX_EVENT_VBLANK, .seq = n };

		ev.time_ns = gfx_local_ns(dev, ld64(&e->time_ns));
		if (ld64(&e->seq) != n)
			continue;
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	dev->seen_vblank = seq;
	return events;
}

static int report_input(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	const volatile struct gfx_input_entry *log =
		(const volatile struct gfx_input_entry *)(dev->regs + GFX_REG_INPUT_LOG);
	uint64_t count = gfx_rd64(dev, GFX_REG_INPUT_COUNT), n;
	int events = 0;

	if (!dev->input_events) {
		dev->seen_input = count;
		return 0;
	}
	if (count - dev->seen_input > GFX_INPUT_ENTRIES)
		dev->seen_input = count - GFX_INPUT_ENTRIES;
	for (n = dev->seen_input; n != count; n++) {	/* event n is entry n % 128 */
		const volatile struct gfx_input_entry *e = &log[n % GFX_INPUT_ENTRIES];
		struct gfx_event ev = { .type = GFX_EVENT_INPUT };

		ev.input_type = e->type;
		ev.input_code = e->code;
		ev.input_value = e->value;
		if (ld64(&e->count) != n + 1)
			continue;
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	dev->seen_input = count;
	return events;
}

int umd_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data)
{
	uint64_t irq_ns, junk, done;
	int events = 0, r;
	unsigned int i;

	if (!dev->lost) {
		r = dev->be->take_irq(dev->be, &irq_ns);
		if (r < 0)
			gfx_lost(dev);
		else
			gfx_clock_sample(dev, (uint32_t)r, irq_ns);
	}
	if (dev->lost) {
		if (!dev->lost_reported) {
			struct gfx_event ev = { .type = GFX_EVENT_DEVICE_LOST };

			dev->lost_reported = true;
			if (handler)
				handler(dev, &ev, data);
		}
		return gfx_lost(dev);
	}
	gfx_check_ring_error(dev);	/* before the read: its poke is for this dispatch */
	/*
	 * Only if a wait poked it: a frame loop (poll, dispatch) then costs two
	 * system calls, poll and the backend's read, not three.
	 */
	if (dev->notify_pending) {
		(void)!read(dev->notify_fd, &junk, sizeof(junk));	/* resets the count */
		dev->notify_pending = false;
	}
	for (i = 0; i < dev->errors_n; i++) {
		struct gfx_event ev = { .type = GFX_EVENT_ERROR };

		ev.error_code = dev->errors[i].code;
		ev.error_offset = dev->errors[i].offset;
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	dev->errors_n = 0;

	events += report_flips(dev, handler, data);
	events += report_vblanks(dev, handler, data);
	done = gfx_rd64(dev, GFX_REG_FENCE_DONE);
	if (done != dev->seen_fence) {
		struct gfx_event ev = { .type = GFX_EVENT_FENCE, .seq = done };

		dev->seen_fence = done;
		if (handler)
			handler(dev, &ev, data);
		events++;
	}
	events += report_input(dev, handler, data);
	gfx_alloc_reclaim(dev);
	return events;
}

int gfx_events_init(struct gfx_device *dev)
{
	struct epoll_event ev = { .events = EPOLLIN };

	dev->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dev->event_fd = epoll_create1(EPOLL_CLOEXEC);
	if (dev->notify_fd < 0 || dev->event_fd < 0)
		return -errno;
	ev.data.fd = dev->be->poll_fd;
	if (epoll_ctl(dev->event_fd, EPOLL_CTL_ADD, dev->be->poll_fd, &ev) < 0)
		return -errno;
	ev.data.fd = dev->notify_fd;
	if (epoll_ctl(dev->event_fd, EPOLL_CTL_ADD, dev->notify_fd, &ev) < 0)
		return -errno;
	dev->seen_flip = gfx_rd64(dev, GFX_REG_FLIP_COUNT);
	dev->seen_vblank = gfx_rd64(dev, GFX_REG_VBLANK_SEQ);
	dev->seen_fence = gfx_rd64(dev, GFX_REG_FENCE_DONE);
	dev->seen_input = gfx_rd64(dev, GFX_REG_INPUT_COUNT);
	dev->seen_error_count = gfx_rd32(dev, GFX_REG_ERROR_COUNT);
	dev->irq_enable = ~0u;
	gfx_irq_update(dev);
	return 0;
}
