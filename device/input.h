/* SPDX-License-Identifier: MIT */
/*
 * input.h - the input FIFO in the register page (evdev events).
 */
#ifndef DEVICE_INPUT_H
#define DEVICE_INPUT_H

#include "device.h"

/* Each call appends one batch ending in SYN_REPORT and raises GFX_IRQ_INPUT. */
void input_key(struct device *d, uint16_t code, int32_t value);
void input_pointer(struct device *d, int32_t x, int32_t y);
void input_wheel(struct device *d, int32_t steps);

#endif /* DEVICE_INPUT_H */
