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
 *
 * With GFX_CPU_WORKER=1 in the environment a thread of ours runs the
 * batches instead (cpu_worker.c), as a GPU would: gfx_submit() hands the
 * buffer over and returns, a fence is done when the thread passed it, and
 * its interrupt fences wake gfx_get_fd(). Measured against running them at
 * submit in docs/kms.md ("Where the CPU engine runs").
 */
#ifndef GFX_CPU_EXEC_H
#define GFX_CPU_EXEC_H

#include "internal.h"

#define CPU_CMD_WORDS		65536	/* the command buffer, a power of two */

struct engine;
struct cpu_worker;

/* What a batch's commands the engine refused: the first few, and how many. */
struct cpu_refusals {
	uint32_t n, total;
	struct {
		uint32_t code, word;
	} r[GFX_MAX_PENDING_ERRORS];
};

struct gfx_cpu {
	struct engine *engine;
	struct cpu_worker *worker;	/* GFX_CPU_WORKER=1, else NULL */
	/*
	 * Fences: the newest done (all handed out, at gfx_submit(), without a
	 * worker; the worker stores it, read it with cpu_done()).
	 */
	uint64_t done, reported_done;
	uint32_t errors;		/* commands the engine refused, ever */
	uint64_t err_seq;		/* the newest fence after a refused command, */
	uint32_t err_code, err_word;	/* and that command's code and word */
	bool err_unfenced;		/* a command was refused since the last fence */
};

/* cpu (the driver's, zeroed) draws into vram; dev->cpu points at it from now on. */
int cpu_exec_init(struct gfx_device *dev, struct gfx_cpu *cpu, uint8_t *vram, uint64_t vram_size);
void cpu_exec_fini(struct gfx_device *dev);

/* The newest fence done (the worker's thread may store it). */
static inline uint64_t cpu_done(struct gfx_device *dev)
{
	return __atomic_load_n(&dev->cpu->done, __ATOMIC_ACQUIRE);
}
/* Run n command words; what the engine refuses is skipped and told in out. */
void cpu_run(struct engine *e, uint32_t max_cmd_words, const uint32_t *w, uint32_t n,
	     struct cpu_refusals *out);
/* What a batch refused reaches the device: ERROR events, and fence's -EIO (0: none yet). */
void cpu_refused(struct gfx_device *dev, const struct cpu_refusals *rf, uint64_t fence);
/* Everything built so far is drawn when this returns (before a flip, a cursor, a free). */
int cpu_flush(struct gfx_device *dev);
/* dispatch's first step: what the worker finished since (a no-op without one). */
void cpu_poll(struct gfx_device *dev);

/* cpu_worker.c: the thread; each returns 0 or a negative errno. */
int cpu_worker_start(struct gfx_device *dev);
void cpu_worker_stop(struct gfx_device *dev);
void cpu_worker_hand(struct gfx_device *dev, uint64_t fence, bool irq);
void cpu_worker_drain(struct gfx_device *dev);
int cpu_worker_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns);
void cpu_worker_reap(struct gfx_device *dev);
/* The eventfd the thread writes for an interrupt fence (for gfx_get_fd()'s set), -1 without one. */
int cpu_worker_fd(struct gfx_device *dev);

/* The driver table's operations (internal.h says what each must do). */
int cpu_make_space(struct gfx_device *dev, uint64_t words);
int cpu_submit(struct gfx_device *dev);
int cpu_fence(struct gfx_device *dev, bool irq, uint64_t *seqno);
bool cpu_fence_done(struct gfx_device *dev, uint64_t seqno);
int cpu_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns);
/* Nothing runs on its own, so nothing hangs: a reset runs what was built. */
int cpu_reset(struct gfx_device *dev);

#endif /* GFX_CPU_EXEC_H */
