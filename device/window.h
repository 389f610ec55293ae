/* SPDX-License-Identifier: MIT */
/*
 * window.h - the window display (SDL2), when built with it.
 */
#ifndef DEVICE_WINDOW_H
#define DEVICE_WINDOW_H

#include <stddef.h>

#include "device.h"

/* NULL with a message in err when there is no SDL2 build or no display. */
struct window_output *window_output_create(struct device *d, char *err, size_t err_len);
/* Called at every vblank: show the scanout. */
void window_output_vblank(struct window_output *w);
void window_output_destroy(struct window_output *w);

#endif /* DEVICE_WINDOW_H */
