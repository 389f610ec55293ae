/* SPDX-License-Identifier: MIT */
/*
 * command_processor.h - the unit that executes the contexts' rings.
 */
#ifndef DEVICE_COMMAND_PROCESSOR_H
#define DEVICE_COMMAND_PROCESSOR_H

#include "device.h"

struct engine;

/* engine becomes the master's; the client contexts get clones of it. */
struct command_processor *cp_create(struct device *d, struct engine *engine);
int cp_start(struct command_processor *cp);
/* After d->quit is set and the CP woken. */
void cp_destroy(struct command_processor *cp);

/*
 * Called by the main thread after it changed d->connected (under conn_lock,
 * with conn_gen raised): returns once the CP has attached or quiesced.
 */
void cp_sync_with_connection(struct device *d);

/*
 * At every vblank, from the display thread: stalls on vblank and flips end,
 * and the doorbell backstop looks at the rings.
 */
void cp_vblank(struct device *d);

/* For a ring's loop: stop now (shutdown, or the driver attached or left). */
bool cp_should_stop(struct command_processor *cp);

#endif /* DEVICE_COMMAND_PROCESSOR_H */
