/* SPDX-License-Identifier: MIT */
/*
 * evdev.c - evdev events into the input seam (evdev.h).
 */
#include <linux/input-event-codes.h>

#include "core.h"
#include "evdev.h"
#include "input.h"

/* One wheel detent scrolls this far (wl_pointer.axis units, as libinput's 15 degrees do roughly). */
#define WHEEL_STEP	10.0
/* evdev's key value for autorepeat: the client's repeat does that (repeat_info). */
#define KEY_VALUE_REPEAT 2

/* An absolute axis value in output pixels (a device range, or pixels already). */
static double abs_to_output(int32_t value, int min, int max, uint32_t size)
{
	if (max <= min)
		return value;
	return (double)(value - min) * size / (max - min + 1);
}

static void feed_key(struct server *s, uint16_t code, int32_t value)
{
	if (value == KEY_VALUE_REPEAT)
		return;
	if (code >= BTN_MISC && code < KEY_OK)
		input_button(s, code, value != 0);
	else
		input_key(s, code, value != 0);
}

static void feed_rel(struct server *s, struct evdev_accum *acc, uint16_t code, int32_t value)
{
	if (code == REL_X) {
		acc->rel_x += value;
		acc->rel_moved = true;
	} else if (code == REL_Y) {
		acc->rel_y += value;
		acc->rel_moved = true;
	} else if (code == REL_WHEEL) {
		input_axis(s, false, -WHEEL_STEP * value);
	} else if (code == REL_HWHEEL) {
		input_axis(s, true, WHEEL_STEP * value);
	}
}

static void feed_abs(struct server *s, struct evdev_accum *acc, uint16_t code, int32_t value)
{
	if (code == ABS_X) {
		acc->abs_x = abs_to_output(value, acc->abs_min_x, acc->abs_max_x, s->output.width);
		acc->abs_moved = true;
	} else if (code == ABS_Y) {
		acc->abs_y = abs_to_output(value, acc->abs_min_y, acc->abs_max_y, s->output.height);
		acc->abs_moved = true;
	}
}

static void feed_syn(struct server *s, struct evdev_accum *acc, uint16_t code)
{
	if (code != SYN_REPORT)
		return;
	if (acc->abs_moved)
		input_motion_abs(s, acc->abs_x, acc->abs_y);
	if (acc->rel_moved)
		input_motion_rel(s, acc->rel_x, acc->rel_y);
	acc->abs_moved = acc->rel_moved = false;
	acc->rel_x = acc->rel_y = 0;
}

void evdev_feed(struct server *s, struct evdev_accum *acc, uint16_t type, uint16_t code,
		int32_t value)
{
	switch (type) {
	case EV_KEY: feed_key(s, code, value); break;
	case EV_REL: feed_rel(s, acc, code, value); break;
	case EV_ABS: feed_abs(s, acc, code, value); break;
	case EV_SYN: feed_syn(s, acc, code); break;
	}
}
