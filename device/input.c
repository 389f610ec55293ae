// SPDX-License-Identifier: MIT
/*
 * input.c - appends evdev events to the input FIFO.
 *
 * Entry n % 128 holds event n; it is written completely before INPUT_COUNT
 * is raised to n + 1 (release). A driver that falls more than 128 events
 * behind sees entry.count jump and knows it lost events.
 */
#include <stddef.h>
#include <linux/input-event-codes.h>

#include "input.h"

struct event {
	uint16_t type, code;
	int32_t value;
};

static void push_batch(struct device *d, const struct event *ev, unsigned int n)
{
	pthread_mutex_lock(&d->input_lock);
	uint64_t count = d->input_count;

	for (unsigned int i = 0; i <= n; i++) {
		struct event e = i < n ? ev[i] : (struct event){ EV_SYN, SYN_REPORT, 0 };
		uint32_t off = GFX_REG_INPUT_LOG +
			       (uint32_t)(count % GFX_INPUT_ENTRIES) * sizeof(struct gfx_input_entry);
		volatile struct gfx_input_entry *entry = (volatile void *)(d->bar2 + off);

		count++;
		entry->count = count;
		entry->type = e.type;
		entry->code = e.code;
		entry->value = e.value;
		reg_write64(d, GFX_REG_INPUT_COUNT, count);
	}
	d->input_count = count;
	pthread_mutex_unlock(&d->input_lock);
	irq_raise(d, &d->ctx[GFX_MASTER_CONTEXT], GFX_IRQ_INPUT);
}

void input_key(struct device *d, uint16_t code, int32_t value)
{
	struct event ev = { EV_KEY, code, value };

	push_batch(d, &ev, 1);
}

void input_pointer(struct device *d, int32_t x, int32_t y)
{
	struct event ev[2] = { { EV_ABS, ABS_X, x }, { EV_ABS, ABS_Y, y } };

	push_batch(d, ev, 2);
}

void input_wheel(struct device *d, int32_t steps)
{
	struct event ev = { EV_REL, REL_WHEEL, steps };

	push_batch(d, &ev, 1);
}
