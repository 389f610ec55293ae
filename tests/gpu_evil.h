/* SPDX-License-Identifier: MIT */
/*
 * gpu_evil.h - what a malicious client does with its own GPU context, for
 * the isolation tests (tests/vm/guest_isolation.sh): commands that address
 * another client's window, the master's memory or past VRAM; a ring outside
 * its window; a flood of huge scaled blits; every doorbell rung as fast as
 * it can (interrupts on vectors not its own); drawing until killed.
 */
#ifndef TESTS_GPU_EVIL_H
#define TESTS_GPU_EVIL_H

#include "gfx.h"

/* Run MODE on dev; a one-line result ("refused 3 of 3", ...). */
const char *gpu_evil(struct gfx_device *dev, const char *mode, double seconds);

#endif /* TESTS_GPU_EVIL_H */
