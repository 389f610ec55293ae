/* SPDX-License-Identifier: MIT */
/*
 * display.h - the display controller: vblank timer, flip latch, logs.
 */
#ifndef DEVICE_DISPLAY_H
#define DEVICE_DISPLAY_H

#include "device.h"

struct display;

struct display *display_start(struct device *d);
/* After d->quit is set; returns within one short sleep. */
void display_stop(struct display *disp);

#endif /* DEVICE_DISPLAY_H */
