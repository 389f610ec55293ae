/* SPDX-License-Identifier: MIT */
/*
 * command_processor.h - the unit that executes the ring.
 */
#ifndef DEVICE_COMMAND_PROCESSOR_H
#define DEVICE_COMMAND_PROCESSOR_H

#include "device.h"

struct engine;

struct command_processor *cp_create(struct device *d, struct engine *engine);
int cp_start(struct command_processor *cp);
/* After d->quit is set and the CP woken. */
void cp_destroy(struct command_processor *cp);

/*
 * Called by the main thread after it changed d->connected (under conn_lock,
 * with conn_gen raised): returns once the CP has attached or quiesced.
 */
void cp_sync_with_connection(struct device *d);

#endif /* DEVICE_COMMAND_PROCESSOR_H */
