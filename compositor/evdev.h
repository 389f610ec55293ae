/* SPDX-License-Identifier: MIT */
/*
 * evdev.h - evdev events (type, code, value) into the input seam
 * (input.h): keys and buttons at once, pointer motion at each SYN_REPORT.
 * The GPU's input FIFO and libevdev devices (input_evdev.c) both go
 * through it.
 */
#ifndef COMPOSITOR_EVDEV_H
#define COMPOSITOR_EVDEV_H

#include <stdbool.h>
#include <stdint.h>

struct server;

/* Motion gathered until the SYN_REPORT; one per device. */
struct evdev_accum {
	bool abs_moved, rel_moved;
	double abs_x, abs_y, rel_x, rel_y;
	int abs_min_x, abs_max_x, abs_min_y, abs_max_y;	/* 0/0: in output pixels */
};

void evdev_feed(struct server *s, struct evdev_accum *acc, uint16_t type, uint16_t code,
		int32_t value);

#endif /* COMPOSITOR_EVDEV_H */
