/* SPDX-License-Identifier: MIT */
/*
 * bench.h - what gfx-bench's files share: the results table (bench_report.c),
 * timing helpers, and the GPU loops the context benchmarks reuse.
 */
#ifndef TOOLS_BENCH_H
#define TOOLS_BENCH_H

#include <stdint.h>

#include "gfx.h"

#define TIMEOUT_NS (5 * 1000000000LL)

extern int iterations;		/* per timing; --quick lowers it */

double now_ms(void);
double median(double *v, int n);
/* One result; the ratio printed is value / reference_value. */
void record(const char *name, double value, const char *unit, const char *reference,
	    double reference_value);
void print_results(int json);
void die(struct gfx_device *dev, const char *what, int err) __attribute__((noreturn));

/* gfx_bench.c: a NOP and an interrupting fence, round trip (µs, median of rounds). */
double bench_fence_roundtrip_n(struct gfx_device *dev, int rounds);
/* gfx_bench.c: flip two buffers, one frame per vblank; the vblanks with no new frame. */
double bench_vblank_missed(struct gfx_device *dev, struct gfx_bo *bo[2], int frames,
			   uint32_t width, uint32_t height);

/* bench_flood.c: the master's frames and fences while every client context floods the engine. */
void bench_client_flood(struct gfx_device *dev, struct gfx_bo *bo[2], int frames,
			double fence_us_alone, double scale_mpix_alone);

#endif /* TOOLS_BENCH_H */
