/* SPDX-License-Identifier: MIT */
/*
 * cpu_worker.c - the CPU engine on a thread of ours (cpu_exec.h,
 * GFX_CPU_WORKER=1): gfx_submit() hands the command buffer over and
 * returns, as on a GPU, instead of drawing in the caller's thread.
 *
 * Two buffers take turns: the caller builds into one while the thread runs
 * the other; handing over waits only while the previous batch still runs.
 * The thread stores the batch's fence in cpu->done when it is through, and
 * for a fence asked for with an interrupt it writes wake_fd, which is in
 * gfx_get_fd()'s set: dispatch then reports it. What the engine refused
 * stays with the batch until the caller's thread takes it in (reap), so
 * the device's error state has one writer.
 *
 * Lock: w->lock guards batch, words, fence, irq, spare, result and quit;
 * cpu->done is stored under it too (and read without it, atomically).
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cpu_exec.h"

struct cpu_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a batch handed over, or one done */
	struct gfx_device *dev;
	uint32_t *spare;		/* the buffer neither built into nor running */
	const uint32_t *batch;		/* handed over: NULL when the thread is idle */
	uint32_t words;
	uint64_t fence;			/* done after the batch, 0: none */
	bool irq, quit;
	bool reaped;			/* result was taken in */
	struct cpu_refusals result;	/* the last batch's */
	uint64_t result_fence;
	int wake_fd;
};

static void *worker_main(void *arg)
{
	struct cpu_worker *w = arg;
	struct gfx_cpu *cpu = w->dev->cpu;
	struct cpu_refusals rf;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->batch && !w->quit)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->batch)
			break;		/* quit, and nothing left to run */
		pthread_mutex_unlock(&w->lock);
		cpu_run(cpu->engine, w->dev->max_cmd_words, w->batch, w->words, &rf);
		pthread_mutex_lock(&w->lock);
		w->result = rf;
		w->result_fence = w->fence;
		w->reaped = false;
		if (w->fence)
			__atomic_store_n(&cpu->done, w->fence, __ATOMIC_RELEASE);
		if (w->fence && w->irq) {
			uint64_t one = 1;

			(void)!write(w->wake_fd, &one, sizeof(one));
		}
		w->spare = (uint32_t *)w->batch;
		w->batch = NULL;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int cpu_worker_start(struct gfx_device *dev)
{
	struct cpu_worker *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->dev = dev;
	w->reaped = true;
	w->spare = calloc(dev->ring_words, sizeof(uint32_t));
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (!w->spare || w->wake_fd < 0 || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		if (w->wake_fd >= 0)
			close(w->wake_fd);
		free(w->spare);
		free(w);
		return -ENOMEM;
	}
	dev->cpu->worker = w;
	return 0;
}

void cpu_worker_stop(struct gfx_device *dev)
{
	struct cpu_worker *w = dev->cpu->worker;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;		/* it runs what it holds first */
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	close(w->wake_fd);
	free(w->spare);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
	dev->cpu->worker = NULL;
}

int cpu_worker_fd(struct gfx_device *dev)
{
	return dev->cpu && dev->cpu->worker ? dev->cpu->worker->wake_fd : -1;
}

/* Under w->lock: the finished batch's refusals, to hand to the caller's thread. */
static bool take_result(struct cpu_worker *w, struct cpu_refusals *rf, uint64_t *fence)
{
	if (w->reaped)
		return false;
	*rf = w->result;
	*fence = w->result_fence;
	w->reaped = true;
	return true;
}

/* In the caller's thread: what the last batch refused becomes ERROR events and -EIO. */
void cpu_worker_reap(struct gfx_device *dev)
{
	struct cpu_worker *w = dev->cpu->worker;
	struct cpu_refusals rf;
	uint64_t fence, junk;
	bool got;

	(void)!read(w->wake_fd, &junk, sizeof(junk));
	pthread_mutex_lock(&w->lock);
	got = take_result(w, &rf, &fence);
	pthread_mutex_unlock(&w->lock);
	if (got)
		cpu_refused(dev, &rf, fence);
}

/* Hand the words built so far over, with the fence done after them (0: none). */
void cpu_worker_hand(struct gfx_device *dev, uint64_t fence, bool irq)
{
	struct cpu_worker *w = dev->cpu->worker;
	struct cpu_refusals rf;
	uint64_t rf_fence;
	bool got;

	pthread_mutex_lock(&w->lock);
	while (w->batch)	/* the previous batch still runs: its buffer is not free */
		pthread_cond_wait(&w->cond, &w->lock);
	got = take_result(w, &rf, &rf_fence);
	w->batch = (const uint32_t *)dev->ring;
	w->words = dev->tail;
	w->fence = fence;
	w->irq = irq;
	dev->ring = w->spare;
	w->spare = NULL;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	dev->tail = 0;
	dev->space = dev->ring_words;
	if (got)
		cpu_refused(dev, &rf, rf_fence);
}

void cpu_worker_drain(struct gfx_device *dev)
{
	struct cpu_worker *w = dev->cpu->worker;

	pthread_mutex_lock(&w->lock);
	while (w->batch)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	cpu_worker_reap(dev);
}

/* Until seqno is done: 0, or -ETIMEDOUT after timeout_ns (negative: no limit). */
int cpu_worker_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns)
{
	struct cpu_worker *w = dev->cpu->worker;
	int64_t end = timeout_ns < 0 ? INT64_MAX : gfx_now_ns() + timeout_ns;
	int r = 0;

	pthread_mutex_lock(&w->lock);
	while (!gfx_seqno_passed(dev->cpu->done, seqno) && r == 0) {
		struct timespec ts;

		if (end == INT64_MAX) {
			pthread_cond_wait(&w->cond, &w->lock);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);	/* pthread_cond_timedwait's clock */
		int64_t left = end - gfx_now_ns(), at = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec + left;

		ts.tv_sec = at / 1000000000LL;
		ts.tv_nsec = at % 1000000000LL;
		if (left <= 0 || pthread_cond_timedwait(&w->cond, &w->lock, &ts) == ETIMEDOUT)
			r = gfx_seqno_passed(dev->cpu->done, seqno) ? 0 : -ETIMEDOUT;
	}
	pthread_mutex_unlock(&w->lock);
	cpu_worker_reap(dev);
	return r;
}
