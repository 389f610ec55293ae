/* SPDX-License-Identifier: MIT */
/*
 * cpu_exec.c - commands of the drivers that draw on the CPU (cpu_exec.h):
 * encoded into a buffer of ours as for the GPU, executed by the engine at
 * gfx_submit(), or by a thread of ours (cpu_worker.c, GFX_CPU_WORKER=1).
 *
 * The engine keeps its surfaces and clip between submits, as the GPU's
 * does, so nothing is restated. A command the engine refuses is skipped,
 * as the GPU's ring skips it: an ERROR event with its code and word, and
 * the fence after it fails once with -EIO, as a job's does on drm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_exec.h"
#include "engine.h"

int cpu_exec_init(struct gfx_device *dev, struct gfx_cpu *cpu, uint8_t *vram, uint64_t vram_size)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	dev->ring_words = CPU_CMD_WORDS;
	dev->ring_mask = CPU_CMD_WORDS - 1;
	dev->ring = calloc(CPU_CMD_WORDS, sizeof(uint32_t));
	dev->space = CPU_CMD_WORDS;
	/*
	 * Fence numbers only grow, also from one process of the device to the
	 * next (as FENCE_DONE does on the GPU): start from the monotonic clock.
	 */
	dev->last_seqno = cpu->done = cpu->reported_done = (uint64_t)gfx_now_ns();
	dev->cpu = cpu;
	/* The caller draws too: as many workers as other CPUs, up to 3. */
	cpu->engine = engine_create(vram, vram_size, cpus > 4 ? 4 : cpus < 1 ? 1 : (unsigned)cpus);
	if (!dev->ring || !cpu->engine)
		return gfx_set_error(dev, -ENOMEM, "out of memory");
	if (getenv("GFX_CPU_WORKER") && !strcmp(getenv("GFX_CPU_WORKER"), "1")) {
		int r = cpu_worker_start(dev);

		if (r < 0)
			return gfx_set_error(dev, r, "cannot start the engine's thread: %s", strerror(-r));
	}
	return 0;
}

void cpu_exec_fini(struct gfx_device *dev)
{
	if (dev->cpu)
		cpu_worker_stop(dev);	/* before the engine it draws with */
	if (dev->cpu && dev->cpu->engine)
		engine_destroy(dev->cpu->engine);
	free((void *)dev->ring);
	dev->ring = NULL;
}

static void refused(struct gfx_device *dev, uint32_t code, uint32_t word)
{
	struct gfx_cpu *cpu = dev->cpu;

	cpu->errors++;
	if (!cpu->err_unfenced) {	/* the fence after it reports the first */
		cpu->err_code = code;
		cpu->err_word = word;
		cpu->err_unfenced = true;
	}
	if (dev->errors_n < GFX_MAX_PENDING_ERRORS) {
		dev->errors[dev->errors_n].code = code;
		dev->errors[dev->errors_n].offset = word * 4;
		dev->errors_n++;
	}
	gfx_note_causes(dev, GFX_IRQ_ERROR);
}

void cpu_refused(struct gfx_device *dev, const struct cpu_refusals *rf, uint64_t fence)
{
	struct gfx_cpu *cpu = dev->cpu;

	for (uint32_t i = 0; i < rf->n; i++)
		refused(dev, rf->r[i].code, rf->r[i].word);
	cpu->errors += rf->total - rf->n;	/* beyond the first few: counted only */
	if (fence && cpu->err_unfenced) {
		cpu->err_seq = fence;
		cpu->err_unfenced = false;
	}
}

void cpu_run(struct engine *e, uint32_t max_cmd_words, const uint32_t *w, uint32_t n,
	     struct cpu_refusals *out)
{
	uint32_t i = 0;

	out->n = out->total = 0;
	while (i < n) {
		uint32_t len = GFX_CMD_WORDS(w[i]), err;

		err = len == 0 || len > n - i || len > max_cmd_words ? GFX_ERR_BAD_LENGTH :
		      GFX_CMD_OPCODE(w[i]) == GFX_OP_FENCE ? GFX_ERR_NONE :
		      engine_execute(e, w[i], w + i + 1, len - 1);
		if (err && out->n < GFX_MAX_PENDING_ERRORS) {
			out->r[out->n].code = err;
			out->r[out->n++].word = i;
		}
		out->total += err != GFX_ERR_NONE;
		if (err == GFX_ERR_BAD_LENGTH)
			break;	/* no way to find the next command */
		i += len;
	}
}

/* Run the words built so far (or hand them to the worker); a command the engine refuses is skipped. */
int cpu_submit(struct gfx_device *dev)
{
	struct cpu_refusals rf;

	if (GFX_UNLIKELY(dev->lost))
		return gfx_lost(dev);
	if (dev->cpu->worker) {
		if (dev->tail)
			cpu_worker_hand(dev, 0, false);
		return 0;
	}
	cpu_run(dev->cpu->engine, dev->max_cmd_words, (const uint32_t *)dev->ring, dev->tail, &rf);
	cpu_refused(dev, &rf, 0);
	dev->tail = 0;
	dev->space = dev->ring_words;
	return 0;
}

int cpu_flush(struct gfx_device *dev)
{
	int r = cpu_submit(dev);

	if (r == 0 && dev->cpu->worker)
		cpu_worker_drain(dev);
	return r;
}

void cpu_poll(struct gfx_device *dev)
{
	if (dev->cpu->worker)
		cpu_worker_reap(dev);
}

int cpu_make_space(struct gfx_device *dev, uint64_t words)
{
	if (words > dev->ring_words)
		return gfx_set_error(dev, -EINVAL, "command of %llu words does not fit",
				     (unsigned long long)words);
	return cpu_submit(dev);
}

int cpu_fence(struct gfx_device *dev, bool irq, uint64_t *seqno)
{
	struct gfx_cpu *cpu = dev->cpu;
	int r;

	if (cpu->worker) {	/* done when the thread has run what came before */
		if (GFX_UNLIKELY(dev->lost))
			return gfx_lost(dev);
		*seqno = ++dev->last_seqno;
		cpu_worker_hand(dev, *seqno, irq);
		dev->unfenced = false;
		return 0;
	}
	r = cpu_submit(dev);

	if (r < 0)
		return r;
	*seqno = ++dev->last_seqno;
	cpu->done = *seqno;
	dev->unfenced = false;
	if (cpu->err_unfenced) {
		cpu->err_seq = *seqno;
		cpu->err_unfenced = false;
	}
	return 0;
}

bool cpu_fence_done(struct gfx_device *dev, uint64_t seqno)
{
	return gfx_seqno_passed(cpu_done(dev), seqno);
}

int cpu_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns)
{
	struct gfx_cpu *cpu = dev->cpu;

	if (!gfx_seqno_passed(dev->last_seqno, seqno))
		return gfx_set_error(dev, -EINVAL, "fence %llu was never emitted",
				     (unsigned long long)seqno);
	if (cpu->worker && cpu_worker_wait(dev, seqno, timeout_ns) < 0)
		return gfx_set_error(dev, -ETIMEDOUT, "fence %llu not done within %lld ms",
				     (unsigned long long)seqno, (long long)(timeout_ns / 1000000));
	if (seqno == cpu->err_seq) {
		cpu->err_seq = 0;	/* reported once */
		return gfx_set_error(dev, -EIO, "bad command at word %u before fence %llu: %s",
				     cpu->err_word, (unsigned long long)seqno,
				     gfx_error_name(cpu->err_code));
	}
	return 0;
}

/*
 * Nothing runs on its own here, so nothing can hang: a reset runs what was
 * built (every fence before it completes, as after the GPU's reset) and the
 * engine keeps its surfaces, as libgfx restores them on the GPU.
 */
int cpu_reset(struct gfx_device *dev)
{
	return cpu_flush(dev);
}
