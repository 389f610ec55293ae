/* SPDX-License-Identifier: MIT */
/*
 * cp_ring.h - one hardware context's command ring, as the command
 * processor executes it: the latched ring registers, head, error and stall
 * state, the private copy of the command being executed, and the context's
 * engine state. Only the command processor's thread touches it, or the
 * display thread holding the CP's lock (cp_vblank: ring_quiet, ring_set_status).
 */
#ifndef DEVICE_CP_RING_H
#define DEVICE_CP_RING_H

#include "device.h"

struct engine;
struct command_processor;

enum stall { STALL_NONE, STALL_VBLANK, STALL_FLIP };

struct cp_ring {
	struct device *d;
	struct context *ctx;
	struct engine *engine;
	struct command_processor *cp;

	bool attached;		/* a driver is connected */
	bool enabled;		/* RING_ENABLE as seen at the last look */
	bool valid;
	uint32_t base, size;	/* latched RING_BASE, RING_SIZE */
	uint32_t head;
	uint32_t tail;		/* RING_TAIL as last read */

	bool error;
	uint32_t skip_to;	/* head after CTRL_SKIP */

	enum stall stall;
	uint32_t stall_head;
	uint64_t stall_vblank;	/* WAIT_VBLANK: resume once VBLANK_SEQ reaches it */

	uint32_t cmd[GFX_MAX_CMD_WORDS];
};

/* A driver attached (fresh state) or left (ring stopped, interrupts off). */
void ring_attach(struct cp_ring *r);
void ring_detach(struct cp_ring *r);
/* A look at CONTROL (doorbell, vblank): RESET, SKIP, RING_ENABLE. */
void ring_read_control(struct cp_ring *r);
/* What CTRL_RESET does; also the master's CTX_RESET of this context. */
void ring_reset(struct cp_ring *r);
/* STATUS (and the master's mirror of it) from the ring's state. */
void ring_set_status(struct cp_ring *r);
/* Nothing for the CP: no RESET or SKIP, RING_ENABLE as last seen, no commands, no stall. */
bool ring_quiet(struct cp_ring *r);
/* Commands wait at head: the ring is enabled, healthy and its tail moved. */
bool ring_runnable(struct cp_ring *r);
/*
 * Execute from head towards tail until it is empty, stalls, fails, or
 * deadline_ns (CLOCK_MONOTONIC; checked between commands) passes; true if
 * any command completed.
 */
bool ring_run(struct cp_ring *r, uint64_t deadline_ns);

#endif /* DEVICE_CP_RING_H */
