/* SPDX-License-Identifier: MIT */
/*
 * device.h - the state shared by gfx-device's units.
 *
 * Threads: main (ivshmem socket, control socket, signals), display (vblank
 * timer), command processor (ring + engine, with the engine's workers), and
 * optionally png output and the SDL window. The register page is shared
 * memory that the driver writes concurrently, so every register access
 * goes through the atomic helpers below.
 */
#ifndef DEVICE_DEVICE_H
#define DEVICE_DEVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "gfx_hw.h"

enum display_kind { DISPLAY_NONE, DISPLAY_PNG, DISPLAY_WINDOW };

struct png_output;
struct window_output;
struct command_processor;
struct irq_delay;

struct device_config {
	const char *socket_path;
	uint64_t vram_size;		/* bytes, power of two */
	unsigned int contexts;		/* 1 .. GFX_MAX_CONTEXTS; also the interrupt vectors */
	uint32_t window_size;		/* bytes of each client context's VRAM window */
	uint32_t width, height, refresh_mhz;
	enum display_kind display;
	const char *png_dir;
	unsigned int png_every;		/* vblanks between PNG frames */
	unsigned int engine_threads;
};

/*
 * A hardware context: its register page, its window, its vector. The ring
 * and engine state that go with it belong to the command processor.
 */
struct context {
	unsigned int id;
	uint8_t *regs;			/* its register page in BAR2 */
	struct gfx_ctx_entry *mirror;	/* its entry in the master page's table */
	uint32_t window_offset, window_size;	/* BAR2 range its rings and surfaces must lie in */
	int kick_fd;			/* its doorbell vector; -1 while no driver (conn_lock) */
	int irq_fd;			/* its interrupt vector; -1 while no driver (conn_lock) */
	uint32_t irq_line_mask;		/* causes that could interrupt at the last check (conn_lock) */
	atomic_bool hang;		/* fault injection: its ring stops until a reset */
	/* The device's own copies of its counters (never read back from the page). */
	atomic_uint error_count;
	atomic_uint reset_count;
	atomic_uint_fast64_t fence_done;
	atomic_uint_fast64_t stat_commands;
	atomic_uint_fast64_t stat_irqs;
};

struct device {
	struct device_config cfg;
	char ctl_path[128];

	int shm_fd;
	uint8_t *bar2;			/* register page + VRAM */

	atomic_bool quit;
	bool socket_lost;		/* PATH vanished: leave whatever is there now alone */
	int wake_fd;			/* eventfd: wakes the command processor (vblank, attach) */

	/* Contexts 0 .. cfg.contexts-1; 0 is the master. */
	struct context ctx[GFX_MAX_CONTEXTS];

	/*
	 * The connected driver. conn_lock also orders interrupt delivery, so
	 * an irq_fd is never written after it is closed.
	 */
	pthread_mutex_t conn_lock;
	pthread_cond_t conn_cond;
	bool connected;
	int client_sock;
	uint64_t conn_gen;		/* raised at every attach and detach */
	uint64_t cp_gen;		/* conn_gen the command processor has applied */

	/* Display controller state shared with the command processor. */
	pthread_mutex_t flip_lock;
	bool flip_pending;
	struct {
		uint32_t offset, stride, format;
		uint64_t user_data;
	} pending_flip;
	struct scanout {
		uint32_t offset, stride, format;	/* offset 0: nothing on screen */
	} scanout;				/* the device's copy of SCANOUT_* */

	/* Fault injection (gfx-ctl); hangs are per context. */
	atomic_uint drop_irqs;
	atomic_uint delay_irq_us;
	struct irq_delay *irq_delay;

	/*
	 * The device's own copies of its counters: the register page is
	 * driver-writable memory, so the device never reads a counter back
	 * from it (a scribbling driver cannot make one go backwards). The
	 * per-context ones are in struct context.
	 */
	atomic_uint_fast64_t vblank_seq;
	atomic_uint_fast64_t flip_count;
	uint64_t input_count;		/* under input_lock */

	/* Statistics (gfx-ctl stats). */
	atomic_uint_fast64_t stat_irqs_dropped;
	atomic_uint_fast64_t stat_missed_vblanks;
	atomic_uint_fast64_t stat_kicks;
	atomic_uint_fast64_t stat_refused;
	atomic_uint_fast64_t stat_connections;

	pthread_mutex_t input_lock;

	struct command_processor *cp;
	struct png_output *png;
	struct window_output *window;
};

/* ---- Register page access ---- */

static inline _Atomic uint32_t *reg32(struct device *d, uint32_t off)
{
	return (_Atomic uint32_t *)(void *)(d->bar2 + off);
}

static inline _Atomic uint64_t *reg64(struct device *d, uint32_t off)
{
	return (_Atomic uint64_t *)(void *)(d->bar2 + off);
}

static inline uint32_t reg_read(struct device *d, uint32_t off)
{
	return atomic_load_explicit(reg32(d, off), memory_order_acquire);
}

static inline void reg_write(struct device *d, uint32_t off, uint32_t v)
{
	atomic_store_explicit(reg32(d, off), v, memory_order_release);
}

static inline uint64_t reg_read64(struct device *d, uint32_t off)
{
	return atomic_load_explicit(reg64(d, off), memory_order_acquire);
}

static inline void reg_write64(struct device *d, uint32_t off, uint64_t v)
{
	atomic_store_explicit(reg64(d, off), v, memory_order_release);
}

static inline void reg_set_bits(struct device *d, uint32_t off, uint32_t bits)
{
	atomic_fetch_or(reg32(d, off), bits);
}

static inline void reg_clear_bits(struct device *d, uint32_t off, uint32_t bits)
{
	atomic_fetch_and(reg32(d, off), ~bits);
}

/* The same for a context's own page (reg_* above address the master's). */
static inline _Atomic uint32_t *ctx_reg32(struct context *c, uint32_t off)
{
	return (_Atomic uint32_t *)(void *)(c->regs + off);
}

static inline uint32_t ctx_read(struct context *c, uint32_t off)
{
	return atomic_load_explicit(ctx_reg32(c, off), memory_order_acquire);
}

static inline void ctx_write(struct context *c, uint32_t off, uint32_t v)
{
	atomic_store_explicit(ctx_reg32(c, off), v, memory_order_release);
}

static inline void ctx_write64(struct context *c, uint32_t off, uint64_t v)
{
	atomic_store_explicit((_Atomic uint64_t *)(void *)(c->regs + off), v, memory_order_release);
}

static inline void ctx_set_bits(struct context *c, uint32_t off, uint32_t bits)
{
	atomic_fetch_or(ctx_reg32(c, off), bits);
}

static inline void ctx_clear_bits(struct context *c, uint32_t off, uint32_t bits)
{
	atomic_fetch_and(ctx_reg32(c, off), ~bits);
}

static inline bool ctx_is_master(const struct context *c)
{
	return c->id == GFX_MASTER_CONTEXT;
}

uint64_t device_now_ns(void);

/* What is on screen now (from the display controller, not the register page). */
struct scanout device_scanout(struct device *d);

/* ---- Interrupts (irq.c) ---- */

/* Set causes in c's IRQ_CAUSE and interrupt its driver on c's vector if enabled. */
void irq_raise(struct device *d, struct context *c, uint32_t causes);
/*
 * At a doorbell or vblank: interrupt if a pending cause of c became
 * deliverable (IRQ_ENABLE or IRQ_MASTER turned on since the last check).
 */
void irq_recheck(struct device *d, struct context *c);
/* The thread that sends delayed interrupts (fault injection). */
int irq_delay_start(struct device *d);
void irq_delay_stop(struct device *d);

/* ---- Units ---- */

/* Wake the command processor (vblank, attach/detach, shutdown). */
void device_wake_cp(struct device *d);

/* Lay out the contexts (pages, windows) and write the initial register values. */
void registers_init(struct device *d);
/* Write identity and counters again (a new driver may follow a scribbling one). */
void registers_publish(struct device *d);
/* c's progress into the master page's context table (after c's own registers). */
void registers_mirror(struct device *d, struct context *c);

#endif /* DEVICE_DEVICE_H */
