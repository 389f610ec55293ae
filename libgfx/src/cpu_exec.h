/* SPDX-License-Identifier: MIT */
/*
 * cpu_exec.h - the drivers that draw on the CPU (kms:, virtio:) execute
 * their commands with the 2D engine gfx-device uses (engine/), so a command
 * means exactly what it means on our GPU. The driver lays its memory out as
 * VRAM is (offset o at vram + o) and hands it to cpu_exec_init(); these are
 * then its driver table's command operations.
 *
 * Commands collect in a buffer of ours, as on gfx_drm; gfx_submit()
 * executes them in the caller's thread, the engine's worker pool taking
 * part in large operations. A fence is done when gfx_submit() returns;
 * fence numbers start from the monotonic clock, so they only grow from one
 * process to the next, as FENCE_DONE does. A command the engine refuses is
 * skipped: an ERROR event with its code and word, and the fence after it
 * fails once with -EIO, as a job's does on drm.
 */
#ifndef GFX_CPU_EXEC_H
#define GFX_CPU_EXEC_H

#include "internal.h"

#define CPU_CMD_WORDS		65536	/* the command buffer, a power of two */

struct engine;

struct gfx_cpu {
	struct engine *engine;
	/* Fences: the newest handed out; all of them are done at gfx_submit(). */
	uint64_t done, reported_done;
	uint32_t errors;		/* commands the engine refused, ever */
	uint64_t err_seq;		/* the newest fence after a refused command, */
	uint32_t err_code, err_word;	/* and that command's code and word */
	bool err_unfenced;		/* a command was refused since the last fence */
};

/* cpu (the driver's, zeroed) draws into vram; dev->cpu points at it from now on. */
int cpu_exec_init(struct gfx_device *dev, struct gfx_cpu *cpu, uint8_t *vram, uint64_t vram_size);
void cpu_exec_fini(struct gfx_device *dev);

/* The driver table's operations (internal.h says what each must do). */
int cpu_make_space(struct gfx_device *dev, uint64_t words);
int cpu_submit(struct gfx_device *dev);
int cpu_fence(struct gfx_device *dev, bool irq, uint64_t *seqno);
bool cpu_fence_done(struct gfx_device *dev, uint64_t seqno);
int cpu_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns);
/* Nothing runs on its own, so nothing hangs: a reset runs what was built. */
int cpu_reset(struct gfx_device *dev);

#endif /* GFX_CPU_EXEC_H */
