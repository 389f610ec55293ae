// SPDX-License-Identifier: MIT
/*
 * command_processor.c - the command processor's thread: which context's
 * ring runs when.
 *
 * Scheduling: round robin over the client contexts, each turn at most
 * CP_SLICE_NS of commands (checked between commands), with the master's
 * ring run before every turn. The master is also run at the preemption
 * points inside a client's drawing (the engine calls cp_preempt between
 * slices of rows), so a client flooding the engine with huge scaled blits
 * delays the compositor by one slice, not by its whole command: the master
 * never misses a vblank because of a client. The master is never preempted.
 *
 * The CP learns about driver writes at a doorbell (each context's kick
 * eventfd) and, as a backstop, at every vblank (cp_vblank). After it
 * drains the rings it spins on their RING_TAILs for a moment before
 * blocking, because a wake-up costs far more than the spin
 * (docs/architecture.md, "Costs"), as long as spinning pays.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "command_processor.h"
#include "cp_ring.h"
#include "engine.h"

/*
 * How long the CP polls the tails after it ran dry before it sleeps. It
 * yields while polling: on a loaded 2-CPU machine a pure spin kept the
 * driver it had just interrupted off the CPU (58 us fence round trips
 * instead of 6.5 us).
 */
#define CP_SPIN_NS 50000
/*
 * The spin is adaptive: it stops after this many spins in a row found
 * nothing, and resumes once a doorbell comes within CP_SPIN_NS of the CP
 * falling asleep (a spin would have caught it). A compositor submits once
 * per frame, so every spin after its frame was waste: with one animated
 * window (gfx-demo-client on gfx-compositor, 1080p60) the CP called
 * sched_yield 53-67 times a frame for nothing (perf stat, 3 s runs); with
 * the adaptive spin it calls none, and its CPU per frame went from
 * 0.21 ms to 0.18-0.20 ms. Ping-pong submitters keep their spin, each of
 * their spins succeeds: gfx-bench's fence_roundtrip stayed at 2.7 us.
 */
#define CP_SPIN_CREDIT 4
/* A client context's turn: at most this long (a command is never cut). */
#define CP_SLICE_NS 2000000

struct command_processor {
	struct device *d;
	pthread_t thread;
	/*
	 * Held by the CP thread while it works, free while it spins or sleeps:
	 * then the display thread may take it to do the vblank's look itself.
	 */
	pthread_mutex_t lock;
	bool started;
	uint64_t gen;		/* conn_gen applied */
	unsigned int n;		/* contexts */
	unsigned int next;	/* the client context whose turn comes first */
	unsigned int spin_credit;	/* spins left before the CP stops spinning (CP_SPIN_CREDIT) */
	int kick_fd[GFX_MAX_CONTEXTS];	/* -1 while no driver */
	struct cp_ring *ring[GFX_MAX_CONTEXTS];
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

bool cp_should_stop(struct command_processor *cp)
{
	return atomic_load(&cp->d->quit) ||
	       __atomic_load_n(&cp->d->conn_gen, __ATOMIC_ACQUIRE) != cp->gen;
}

/* The master's ring, now: before every client turn and at preemption points. */
static bool run_master(struct command_processor *cp)
{
	struct cp_ring *m = cp->ring[GFX_MASTER_CONTEXT];
	bool progress;

	ring_read_control(m);
	if (!ring_runnable(m))
		return false;
	progress = ring_run(m, UINT64_MAX);
	ring_set_status(m);
	return progress;
}

/* Called by a client context's engine between slices of its drawing. */
static void cp_preempt(void *data)
{
	struct command_processor *cp = data;

	if (!cp_should_stop(cp))
		run_master(cp);
}

/* The master's CTX_RESET requests: reset those client contexts, then clear the bits. */
static void ctx_resets(struct command_processor *cp)
{
	struct device *d = cp->d;
	uint32_t want = reg_read(d, GFX_REG_CTX_RESET);

	if (!want || !cp->ring[GFX_MASTER_CONTEXT]->attached)
		return;
	for (unsigned int i = 1; i < cp->n; i++)
		if (want & (1u << i))
			ring_reset(cp->ring[i]);
	reg_clear_bits(d, GFX_REG_CTX_RESET, want);
}

/* One round: the master, then each client context for a slice, the master between them. */
static bool schedule(struct command_processor *cp)
{
	bool progress = run_master(cp);

	for (unsigned int k = 0; k + 1 < cp->n; k++) {
		struct cp_ring *r = cp->ring[1 + (cp->next + k) % (cp->n - 1)];

		if (!ring_runnable(r))
			continue;
		progress |= ring_run(r, device_now_ns() + CP_SLICE_NS);
		ring_set_status(r);
		progress |= run_master(cp);
	}
	if (cp->n > 1)
		cp->next = (cp->next + 1) % (cp->n - 1);
	return progress;
}

/* A new driver gets a freshly reset device; a departed one leaves it quiet. */
static void apply_connection(struct command_processor *cp)
{
	struct device *d = cp->d;

	pthread_mutex_lock(&d->conn_lock);
	for (unsigned int i = 0; i < cp->n; i++) {
		if (d->connected)
			ring_attach(cp->ring[i]);
		else
			ring_detach(cp->ring[i]);
		cp->kick_fd[i] = d->connected ? d->ctx[i].kick_fd : -1;
	}
	if (d->connected)
		registers_publish(d);
	cp->gen = d->conn_gen;
	d->cp_gen = cp->gen;
	pthread_cond_broadcast(&d->conn_cond);
	pthread_mutex_unlock(&d->conn_lock);
	for (unsigned int i = 0; i < cp->n; i++)
		ring_set_status(cp->ring[i]);
}

static void drain_eventfd(int fd)
{
	uint64_t v;

	if (fd >= 0 && read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("gfx-device: eventfd read");
}

/* Spin briefly for a tail or CONTROL change of any running context; true if one came. */
static bool spin_for_work(struct command_processor *cp)
{
	uint32_t tail[GFX_MAX_CONTEXTS], ctrl[GFX_MAX_CONTEXTS];
	uint64_t start = device_now_ns();

	for (unsigned int i = 0; i < cp->n; i++) {
		tail[i] = cp->ring[i]->tail;
		ctrl[i] = ctx_read(&cp->d->ctx[i], GFX_REG_CONTROL);
	}
	while (device_now_ns() - start < CP_SPIN_NS) {
		/* Yield often: on a 2-CPU host the driver waiting for this fence may be queued behind us. */
		for (int k = 0; k < 2; k++) {
			for (unsigned int i = 0; i < cp->n; i++) {
				struct cp_ring *r = cp->ring[i];

				if (!r->enabled || r->error || r->stall != STALL_NONE)
					continue;
				if (ctx_read(r->ctx, GFX_REG_RING_TAIL) != tail[i] ||
				    ctx_read(r->ctx, GFX_REG_CONTROL) != ctrl[i])
					return true;
			}
			if (cp_should_stop(cp))
				return true;
			cpu_relax();
		}
		sched_yield();
	}
	return false;
}

/* Spin if spinning pays lately (CP_SPIN_CREDIT); true if work came meanwhile. */
static bool adaptive_spin(struct command_processor *cp)
{
	if (!cp->spin_credit || !cp->ring[GFX_MASTER_CONTEXT]->attached)
		return false;
	if (spin_for_work(cp)) {
		cp->spin_credit = CP_SPIN_CREDIT;
		return true;
	}
	cp->spin_credit--;
	return false;
}

/* spin: we just ran commands, so more are likely to follow soon. */
static void wait_for_work(struct command_processor *cp, bool spin)
{
	struct device *d = cp->d;
	struct pollfd pfd[1 + GFX_MAX_CONTEXTS];
	unsigned int n = 1;
	bool skipped = spin && !cp->spin_credit;	/* no spin: learn whether one would pay */
	uint64_t slept;

	if (spin && adaptive_spin(cp))
		return;
	pfd[0] = (struct pollfd){ .fd = d->wake_fd, .events = POLLIN };
	for (unsigned int i = 0; i < cp->n; i++)
		pfd[n++] = (struct pollfd){ .fd = cp->kick_fd[i], .events = POLLIN };	/* -1: ignored */
	slept = device_now_ns();
	if (poll(pfd, n, -1) < 0)
		return;
	if (pfd[0].revents)
		drain_eventfd(d->wake_fd);
	for (unsigned int i = 0; i < cp->n; i++) {
		if (cp->kick_fd[i] < 0 || !pfd[1 + i].revents)
			continue;
		drain_eventfd(cp->kick_fd[i]);
		atomic_fetch_add(&d->stat_kicks, 1);
		irq_recheck(d, &d->ctx[i]);	/* IRQ_MASTER or IRQ_ENABLE may have been turned on */
		if (skipped && device_now_ns() - slept < CP_SPIN_NS)
			cp->spin_credit = CP_SPIN_CREDIT;	/* a spin would have caught this doorbell */
	}
}

static void *cp_main(void *data)
{
	struct command_processor *cp = data;
	struct device *d = cp->d;
	bool worked = false;

	pthread_mutex_lock(&cp->lock);
	while (!atomic_load(&d->quit)) {
		if (cp_should_stop(cp))
			apply_connection(cp);
		for (unsigned int i = 0; i < cp->n; i++)
			ring_read_control(cp->ring[i]);
		ctx_resets(cp);
		bool progress = schedule(cp);

		for (unsigned int i = 0; i < cp->n; i++)
			ring_set_status(cp->ring[i]);
		if (progress) {
			worked = true;
			continue;
		}
		/* Idle wake-ups (the vblank backstop) do not spin. */
		pthread_mutex_unlock(&cp->lock);
		wait_for_work(cp, worked);
		pthread_mutex_lock(&cp->lock);
		worked = false;
	}
	pthread_mutex_unlock(&cp->lock);
	return NULL;
}

/*
 * The vblank's look at the rings (docs/hardware.md, section 10, step 4),
 * done on the display thread when the CP sleeps and would find nothing to
 * do: no connection change, no CTX_RESET, and on every ring no CONTROL
 * request, no change of RING_ENABLE, no commands and no stall. Then the
 * CP's pass would only have refreshed STATUS (IDLE once a flip latched),
 * which is done here. Otherwise the CP is woken as before.
 * With one animated window the CP was woken twice a frame, by the
 * compositor's doorbell and by this look, which found nothing: now once,
 * and the display thread writes one eventfd a frame (the FLIP_DONE
 * interrupt) instead of two. CP thread 0.18-0.20 -> 0.15 ms of CPU per
 * frame, display thread 0.05-0.07 -> 0.05 ms (perf stat, 3 s runs).
 */
static bool vblank_pass_quiet(struct command_processor *cp)
{
	if (cp_should_stop(cp) || reg_read(cp->d, GFX_REG_CTX_RESET))
		return false;
	for (unsigned int i = 0; i < cp->n; i++)
		if (!ring_quiet(cp->ring[i]))
			return false;
	for (unsigned int i = 0; i < cp->n; i++)
		ring_set_status(cp->ring[i]);
	return true;
}

void cp_vblank(struct device *d)
{
	struct command_processor *cp = d->cp;
	bool quiet = false;

	if (pthread_mutex_trylock(&cp->lock) == 0) {	/* busy: it will look anyway */
		quiet = vblank_pass_quiet(cp);
		pthread_mutex_unlock(&cp->lock);
	}
	if (!quiet)
		device_wake_cp(d);
}

struct command_processor *cp_create(struct device *d, struct engine *engine)
{
	struct command_processor *cp = calloc(1, sizeof(*cp));

	if (!cp)
		return NULL;
	cp->d = d;
	cp->n = d->cfg.contexts;
	cp->spin_credit = CP_SPIN_CREDIT;
	pthread_mutex_init(&cp->lock, NULL);
	for (unsigned int i = 0; i < cp->n; i++) {
		struct cp_ring *r = calloc(1, sizeof(*r));
		struct context *c = &d->ctx[i];

		cp->ring[i] = r;
		cp->kick_fd[i] = -1;
		if (!r || !(r->engine = i == GFX_MASTER_CONTEXT ? engine : engine_clone(engine))) {
			cp_destroy(cp);
			return NULL;
		}
		r->d = d;
		r->ctx = c;
		r->cp = cp;
		engine_set_window(r->engine, c->window_offset, c->window_size);
		if (i != GFX_MASTER_CONTEXT)
			engine_set_preempt(r->engine, cp_preempt, cp);
	}
	return cp;
}

int cp_start(struct command_processor *cp)
{
	int err = pthread_create(&cp->thread, NULL, cp_main, cp);

	if (err)
		return -err;
	pthread_setname_np(cp->thread, "gfx-cp");	/* names for top -H and perf --per-thread */
	cp->started = true;
	return 0;
}

void cp_destroy(struct command_processor *cp)
{
	if (!cp)
		return;
	if (cp->started)
		pthread_join(cp->thread, NULL);
	for (unsigned int i = 0; i < cp->n; i++) {
		if (cp->ring[i] && i != GFX_MASTER_CONTEXT)
			engine_destroy(cp->ring[i]->engine);	/* the master's is the caller's */
		free(cp->ring[i]);
	}
	pthread_mutex_destroy(&cp->lock);
	free(cp);
}

void cp_sync_with_connection(struct device *d)
{
	device_wake_cp(d);
	pthread_mutex_lock(&d->conn_lock);
	while (d->cp_gen != d->conn_gen && !atomic_load(&d->quit))
		pthread_cond_wait(&d->conn_cond, &d->conn_lock);
	pthread_mutex_unlock(&d->conn_lock);
}
