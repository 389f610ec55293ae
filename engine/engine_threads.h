/* SPDX-License-Identifier: MIT */
/*
 * engine_threads.h - a small persistent pool that runs one job in chunks.
 *
 * The caller takes part in the work, so a pool of N threads has N - 1
 * workers. Chunks are handed out from an atomic counter: a worker that
 * wakes late just takes fewer of them.
 */
#ifndef DEVICE_ENGINE_THREADS_H
#define DEVICE_ENGINE_THREADS_H

struct engine_pool;

typedef void (*engine_chunk_fn)(void *ctx, unsigned int chunk);

struct engine_pool *engine_pool_create(unsigned int threads);
void engine_pool_destroy(struct engine_pool *pool);
unsigned int engine_pool_threads(const struct engine_pool *pool);
/*
 * Run fn(ctx, 0 .. chunks-1) on the pool and the caller; returns when all
 * are done. Returns how long the caller waited for a straggling worker
 * (ns) when that wait was long compared with its own share, else 0.
 */
#include <stdint.h>
uint64_t engine_pool_run(struct engine_pool *pool, engine_chunk_fn fn, void *ctx, unsigned int chunks);

#endif /* DEVICE_ENGINE_THREADS_H */
