// SPDX-License-Identifier: MIT
/*
 * engine_threads.c - the engine's persistent worker pool.
 *
 * A job is published as one 64-bit ticket: generation | chunk count | next
 * chunk. Workers claim chunks with a compare-and-swap on the ticket, so a
 * worker that arrives after the job ended cannot claim anything of it.
 * Idle workers spin briefly (waking a sleeping thread costs 25-30 us on
 * these machines, more than a band of most operations), then sleep.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "engine_threads.h"

#define WORKER_SPIN_NS 150000

struct engine_pool {
	unsigned int threads;
	pthread_t *workers;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_uint sleepers;
	atomic_bool quit;

	_Atomic uint64_t ticket;	/* gen << 32 | chunks << 16 | next */
	atomic_uint done;
	engine_chunk_fn fn;
	void *ctx;
	uint32_t gen;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Claim and run chunks of the job in `ticket` until none is left. */
static void run_chunks(struct engine_pool *pool, uint64_t t)
{
	for (;;) {
		uint32_t chunks = (t >> 16) & 0xffff, next = t & 0xffff;

		if (next >= chunks)
			return;
		if (atomic_compare_exchange_weak(&pool->ticket, &t, t + 1)) {
			pool->fn(pool->ctx, next);
			atomic_fetch_add(&pool->done, 1);
			t++;
		}
	}
}

static void *worker_main(void *data)
{
	struct engine_pool *pool = data;
	uint32_t seen_gen = 0;

	while (!atomic_load(&pool->quit)) {
		uint64_t t = atomic_load(&pool->ticket);
		uint64_t start;

		if ((uint32_t)(t >> 32) == seen_gen) {
			start = now_ns();
			for (unsigned int spins = 0;
			     (uint32_t)((t = atomic_load(&pool->ticket)) >> 32) == seen_gen &&
			     !atomic_load(&pool->quit) && now_ns() - start < WORKER_SPIN_NS; spins++) {
				cpu_relax();
				if (spins % 64 == 63)
					sched_yield();	/* polite: others may need this CPU */
			}
			if ((uint32_t)(t >> 32) == seen_gen) {
				pthread_mutex_lock(&pool->lock);
				atomic_fetch_add(&pool->sleepers, 1);
				while ((uint32_t)((t = atomic_load(&pool->ticket)) >> 32) == seen_gen &&
				       !atomic_load(&pool->quit))
					pthread_cond_wait(&pool->wake, &pool->lock);
				atomic_fetch_sub(&pool->sleepers, 1);
				pthread_mutex_unlock(&pool->lock);
			}
		}
		seen_gen = (uint32_t)(t >> 32);
		run_chunks(pool, t);
	}
	return NULL;
}

struct engine_pool *engine_pool_create(unsigned int threads)
{
	struct engine_pool *pool = calloc(1, sizeof(*pool));
	unsigned int i;

	if (!pool)
		return NULL;
	if (threads < 1)
		threads = 1;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->wake, NULL);
	pool->workers = calloc(threads, sizeof(*pool->workers));
	if (!pool->workers) {
		free(pool);
		return NULL;
	}
	pool->threads = 1;
	for (i = 1; i < threads; i++) {
		if (pthread_create(&pool->workers[i - 1], NULL, worker_main, pool))
			break;
		pthread_setname_np(pool->workers[i - 1], "gfx-engine");
		pool->threads++;
	}
	return pool;
}

void engine_pool_destroy(struct engine_pool *pool)
{
	unsigned int i;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	atomic_store(&pool->quit, true);
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i + 1 < pool->threads; i++)
		pthread_join(pool->workers[i], NULL);
	pthread_cond_destroy(&pool->wake);
	pthread_mutex_destroy(&pool->lock);
	free(pool->workers);
	free(pool);
}

unsigned int engine_pool_threads(const struct engine_pool *pool)
{
	return pool->threads;
}

uint64_t engine_pool_run(struct engine_pool *pool, engine_chunk_fn fn, void *ctx, unsigned int chunks)
{
	uint64_t start, mine, wait_start;
	unsigned int spins = 0;
	uint64_t t;

	if (chunks > 0xffff)
		chunks = 0xffff;
	if (pool->threads == 1 || chunks <= 1) {
		for (unsigned int i = 0; i < chunks; i++)
			fn(ctx, i);
		return 0;
	}
	pool->fn = fn;
	pool->ctx = ctx;
	atomic_store(&pool->done, 0);
	pool->gen++;
	if (pool->gen == 0)
		pool->gen = 1;
	t = (uint64_t)pool->gen << 32 | (uint64_t)chunks << 16;
	atomic_store(&pool->ticket, t);
	if (atomic_load(&pool->sleepers)) {
		pthread_mutex_lock(&pool->lock);
		pthread_cond_broadcast(&pool->wake);
		pthread_mutex_unlock(&pool->lock);
	}
	start = now_ns();
	run_chunks(pool, atomic_load(&pool->ticket));
	wait_start = now_ns();
	mine = wait_start - start;
	/* A worker may still be inside its last chunk. */
	while (atomic_load(&pool->done) < chunks) {
		if (++spins % 64 == 0)
			sched_yield();
		else
			cpu_relax();
	}
	/* Waiting longer than our own share took means a worker lost its CPU mid-chunk. */
	return now_ns() - wait_start > mine / 2 + 20000 ? now_ns() - wait_start : 0;
}
