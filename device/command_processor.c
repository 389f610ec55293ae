// SPDX-License-Identifier: MIT
/*
 * command_processor.c - executes the command ring.
 *
 * The ring lives in VRAM that the driver may scribble on at any time, so
 * every command is first copied into a local buffer and only the copy is
 * validated and executed. The CP learns about driver writes at a doorbell
 * (the kick eventfd) and, as a backstop, at every vblank. After it drains
 * the ring it spins on RING_TAIL for a moment before blocking, because a
 * wake-up costs far more than the spin (docs/architecture.md, "Costs").
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command_processor.h"
#include "engine.h"

/*
 * How long the CP polls RING_TAIL after it ran dry before it sleeps. It
 * yields while polling: on a loaded 2-CPU machine a pure spin kept the
 * driver it had just interrupted off the CPU (58 us fence round trips
 * instead of 6.5 us).
 */
#define CP_SPIN_NS 50000

enum stall { STALL_NONE, STALL_VBLANK, STALL_FLIP };

struct command_processor {
	struct device *d;
	struct engine *engine;
	pthread_t thread;
	bool started;

	uint64_t gen;		/* conn_gen applied */
	int kick_fd;		/* -1 while no driver */

	bool ring_enabled;	/* RING_ENABLE as seen at the last doorbell */
	bool ring_valid;
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

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void latch_ring(struct command_processor *cp)
{
	struct device *d = cp->d;
	uint32_t base = reg_read(d, GFX_REG_RING_BASE), size = reg_read(d, GFX_REG_RING_SIZE);

	cp->base = base;
	cp->size = size;
	cp->ring_valid = base % 4096 == 0 && base >= GFX_VRAM_START &&
			 size >= 4096 && (size & (size - 1)) == 0 &&
			 (uint64_t)base + size <= d->cfg.vram_size;
}

static void set_status(struct command_processor *cp)
{
	struct device *d = cp->d;
	uint32_t bits = 0, old, new;
	bool flip_pending;

	pthread_mutex_lock(&d->flip_lock);
	flip_pending = d->flip_pending;
	pthread_mutex_unlock(&d->flip_lock);
	if (cp->kick_fd >= 0 && cp->ring_enabled && !cp->error)
		bits |= GFX_STATUS_RING_RUNNING;
	if (cp->error)
		bits |= GFX_STATUS_RING_ERROR;
	if ((!cp->ring_enabled || cp->head == cp->tail) && cp->stall == STALL_NONE && !flip_pending)
		bits |= GFX_STATUS_IDLE;
	/* FLIP_PENDING belongs to the display controller: keep it. */
	old = atomic_load(reg32(d, GFX_REG_STATUS));
	do {
		new = (old & GFX_STATUS_FLIP_PENDING) | bits;
	} while (old != new && !atomic_compare_exchange_weak(reg32(d, GFX_REG_STATUS), &old, new));
}

static void set_head(struct command_processor *cp, uint32_t head)
{
	cp->head = head;
	reg_write(cp->d, GFX_REG_RING_HEAD, head);
}

static void clear_error(struct command_processor *cp)
{
	cp->error = false;
	reg_write(cp->d, GFX_REG_ERROR_CODE, GFX_ERR_NONE);
	reg_write(cp->d, GFX_REG_ERROR_OFFSET, 0);
}

/* Stop the ring at the command at head. */
static void ring_error(struct command_processor *cp, uint32_t code, uint32_t skip_to)
{
	struct device *d = cp->d;

	cp->error = true;
	cp->skip_to = skip_to;
	cp->stall = STALL_NONE;
	reg_write(d, GFX_REG_ERROR_CODE, code);
	reg_write(d, GFX_REG_ERROR_OFFSET, cp->head);
	reg_write(d, GFX_REG_ERROR_COUNT, atomic_fetch_add(&d->error_count, 1) + 1);
	set_status(cp);
	irq_raise(d, GFX_IRQ_ERROR);
}

static void reset_ring(struct command_processor *cp)
{
	struct device *d = cp->d;
	uint32_t tail = reg_read(d, GFX_REG_RING_TAIL);

	latch_ring(cp);
	/* Drop everything queued: the ring restarts where the driver writes next. */
	if (cp->ring_valid && tail < cp->size && tail % 4 == 0)
		set_head(cp, tail);
	else
		set_head(cp, 0);
	cp->tail = cp->head;
	clear_error(cp);
	cp->stall = STALL_NONE;
	atomic_store(&d->hang, false);
	engine_reset(cp->engine);
	set_status(cp);
	reg_write(d, GFX_REG_RESET_COUNT, atomic_fetch_add(&d->reset_count, 1) + 1);
}

/* A doorbell (or the vblank backstop): CONTROL requests and RING_ENABLE. */
static void read_control(struct command_processor *cp)
{
	struct device *d = cp->d;
	uint32_t ctrl = reg_read(d, GFX_REG_CONTROL);
	bool enable = ctrl & GFX_CTRL_RING_ENABLE;

	if (cp->kick_fd < 0)
		return;
	if (enable && !cp->ring_enabled)
		latch_ring(cp);
	cp->ring_enabled = enable;
	if (ctrl & GFX_CTRL_RESET) {
		reset_ring(cp);
		reg_clear_bits(d, GFX_REG_CONTROL, GFX_CTRL_RESET | GFX_CTRL_SKIP);
	} else if (ctrl & GFX_CTRL_SKIP) {
		if (cp->error) {
			set_head(cp, cp->skip_to);
			clear_error(cp);
		}
		reg_clear_bits(d, GFX_REG_CONTROL, GFX_CTRL_SKIP);
	}
}

static uint32_t ring_word(struct command_processor *cp, uint32_t byte_off)
{
	const _Atomic uint32_t *w = (const _Atomic uint32_t *)(const void *)
		(cp->d->bar2 + cp->base + (byte_off & (cp->size - 1)));

	return atomic_load_explicit(w, memory_order_relaxed);
}

static uint32_t exec_fence(struct command_processor *cp, uint32_t flags, const uint32_t *p, unsigned int n)
{
	if (n != GFX_FENCE_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	/* Everything before it is done: the engine works synchronously. */
	uint64_t seqno = (uint64_t)p[0] | (uint64_t)p[1] << 32;

	atomic_store(&cp->d->fence_done, seqno);
	reg_write64(cp->d, GFX_REG_FENCE_DONE, seqno);
	if (flags & GFX_FENCE_IRQ)
		irq_raise(cp->d, GFX_IRQ_FENCE);
	return GFX_ERR_NONE;
}

static uint32_t exec_wait_vblank(struct command_processor *cp, unsigned int n, bool *stalled)
{
	uint64_t seq = atomic_load(&cp->d->vblank_seq);

	if (n != GFX_WAIT_VBLANK_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	if (cp->stall != STALL_VBLANK || cp->stall_head != cp->head) {
		cp->stall = STALL_VBLANK;
		cp->stall_head = cp->head;
		cp->stall_vblank = seq + 1;
	}
	if (seq < cp->stall_vblank) {
		*stalled = true;
		return GFX_ERR_NONE;
	}
	cp->stall = STALL_NONE;
	return GFX_ERR_NONE;
}

static uint32_t exec_flip(struct command_processor *cp, const uint32_t *p, unsigned int n, bool *stalled)
{
	struct device *d = cp->d;
	struct surface_desc s;
	uint32_t err;

	if (n != GFX_FLIP_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	s = (struct surface_desc){ p[0], p[1], p[2], p[3], p[4] };
	if ((err = engine_check_surface(cp->engine, &s)))
		return err;
	if (s.width != d->cfg.width || s.height != d->cfg.height)
		return GFX_ERR_BAD_MODE;
	pthread_mutex_lock(&d->flip_lock);
	if (d->flip_pending) {
		/* One flip in flight: wait for the vblank that latches it. */
		pthread_mutex_unlock(&d->flip_lock);
		cp->stall = STALL_FLIP;
		cp->stall_head = cp->head;
		*stalled = true;
		return GFX_ERR_NONE;
	}
	d->flip_pending = true;
	d->pending_flip.offset = s.offset;
	d->pending_flip.stride = s.stride;
	d->pending_flip.format = s.format;
	d->pending_flip.user_data = (uint64_t)p[5] | (uint64_t)p[6] << 32;
	reg_set_bits(d, GFX_REG_STATUS, GFX_STATUS_FLIP_PENDING);
	reg_clear_bits(d, GFX_REG_STATUS, GFX_STATUS_IDLE);
	pthread_mutex_unlock(&d->flip_lock);
	cp->stall = STALL_NONE;
	return GFX_ERR_NONE;
}

static uint32_t execute(struct command_processor *cp, uint32_t hdr, const uint32_t *p, unsigned int n,
			bool *stalled)
{
	uint32_t flags = GFX_CMD_FLAGS(hdr);

	switch (GFX_CMD_OPCODE(hdr)) {
	case GFX_OP_NOP:
		return GFX_ERR_NONE;
	case GFX_OP_SET_SURFACE:
		return engine_set_surface(cp->engine, flags & GFX_SURFACE_SRC, p, n);
	case GFX_OP_SET_CLIP:
		return engine_set_clip(cp->engine, p, n);
	case GFX_OP_FILL_RECTS:
		return engine_fill(cp->engine, flags, p, n);
	case GFX_OP_COPY_RECTS:
		return engine_copy(cp->engine, p, n);
	case GFX_OP_BLEND_RECTS:
		return engine_blend(cp->engine, p, n);
	case GFX_OP_STRETCH_BLIT:
		return engine_stretch(cp->engine, flags, p, n);
	case GFX_OP_FENCE:
		return exec_fence(cp, flags, p, n);
	case GFX_OP_WAIT_VBLANK:
		return exec_wait_vblank(cp, n, stalled);
	case GFX_OP_FLIP:
		return exec_flip(cp, p, n, stalled);
	default:
		return GFX_ERR_BAD_OPCODE;
	}
}

static bool connection_changed(struct command_processor *cp)
{
	return __atomic_load_n(&cp->d->conn_gen, __ATOMIC_ACQUIRE) != cp->gen;
}

/* Execute from head towards tail; true if any command completed. */
static bool run_ring(struct command_processor *cp)
{
	struct device *d = cp->d;
	bool progress = false;

	if (cp->kick_fd < 0 || !cp->ring_enabled || cp->error || atomic_load(&d->hang))
		return false;
	if (!cp->ring_valid) {
		ring_error(cp, GFX_ERR_BAD_RING, cp->head);
		return false;
	}
	while (!atomic_load(&d->quit) && !connection_changed(cp) && !atomic_load(&d->hang)) {
		uint32_t tail = reg_read(d, GFX_REG_RING_TAIL);	/* acquire: the words before it are written */
		uint32_t mask = cp->size - 1, avail, hdr, words, err;
		bool stalled = false;

		if (tail >= cp->size || tail % 4) {
			ring_error(cp, GFX_ERR_BAD_RING, cp->head);
			break;
		}
		cp->tail = tail;
		if (cp->head == tail)
			break;
		avail = ((tail - cp->head) & mask) / 4;
		hdr = ring_word(cp, cp->head);
		words = GFX_CMD_WORDS(hdr);
		if (words == 0) {
			ring_error(cp, GFX_ERR_BAD_LENGTH, (cp->head + 4) & mask);
			break;
		}
		if (words > avail || words > GFX_MAX_CMD_WORDS) {
			ring_error(cp, GFX_ERR_BAD_LENGTH, tail);
			break;
		}
		/* Work on a private copy: the ring may change under us. */
		cp->cmd[0] = hdr;
		for (uint32_t i = 1; i < words; i++)
			cp->cmd[i] = ring_word(cp, cp->head + 4 * i);
		err = execute(cp, hdr, cp->cmd + 1, words - 1, &stalled);
		if (err) {
			ring_error(cp, err, (cp->head + 4 * words) & mask);
			break;
		}
		if (stalled)
			break;
		set_head(cp, (cp->head + 4 * words) & mask);
		atomic_fetch_add(&d->stat_commands, 1);
		progress = true;
	}
	return progress;
}

/* A new driver gets a freshly reset device; a departed one leaves it quiet. */
static void apply_connection(struct command_processor *cp)
{
	struct device *d = cp->d;

	pthread_mutex_lock(&d->conn_lock);
	if (d->connected) {
		static const uint32_t zeroed[] = {
			GFX_REG_CONTROL, GFX_REG_IRQ_ENABLE, GFX_REG_IRQ_CAUSE, GFX_REG_RING_BASE,
			GFX_REG_RING_SIZE, GFX_REG_RING_TAIL, GFX_REG_ERROR_CODE, GFX_REG_ERROR_OFFSET,
		};
		for (unsigned int i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++)
			reg_write(d, zeroed[i], 0);
		reg_write(d, GFX_REG_IRQ_MASTER, 1);
		registers_publish(d);
		cp->kick_fd = d->kick_fd;
		cp->ring_enabled = false;
		cp->ring_valid = false;
		cp->error = false;
		cp->stall = STALL_NONE;
		cp->tail = 0;
		set_head(cp, 0);
		atomic_store(&d->hang, false);
		engine_reset(cp->engine);
		d->irq_line_mask = 0;
	} else {
		reg_write(d, GFX_REG_CONTROL, 0);
		reg_write(d, GFX_REG_IRQ_ENABLE, 0);
		cp->kick_fd = -1;
		cp->ring_enabled = false;
		cp->stall = STALL_NONE;
	}
	cp->gen = d->conn_gen;
	d->cp_gen = cp->gen;
	pthread_cond_broadcast(&d->conn_cond);
	pthread_mutex_unlock(&d->conn_lock);
	set_status(cp);
}

static void drain_eventfd(int fd)
{
	uint64_t v;

	if (fd >= 0 && read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("gfx-device: eventfd read");
}

/* spin: we just ran commands, so more are likely to follow soon. */
static void wait_for_work(struct command_processor *cp, bool spin)
{
	struct device *d = cp->d;
	struct pollfd pfd[2] = { { .fd = d->wake_fd, .events = POLLIN }, { .fd = cp->kick_fd, .events = POLLIN } };

	if (spin && cp->kick_fd >= 0 && cp->ring_enabled && !cp->error && !atomic_load(&d->hang) &&
	    cp->stall == STALL_NONE) {
		uint32_t ctrl = reg_read(d, GFX_REG_CONTROL);
		uint64_t start = device_now_ns();

		while (device_now_ns() - start < CP_SPIN_NS) {
			/*
			 * Yield often: on a 2-CPU host the driver waiting for
			 * this fence may be queued behind us on this CPU.
			 */
			for (int i = 0; i < 2; i++) {
				if (reg_read(d, GFX_REG_RING_TAIL) != cp->tail ||
				    reg_read(d, GFX_REG_CONTROL) != ctrl || connection_changed(cp))
					return;
				cpu_relax();
			}
			sched_yield();	/* the driver we just interrupted may need this CPU */
		}
	}
	if (poll(pfd, cp->kick_fd >= 0 ? 2 : 1, -1) < 0)
		return;
	if (pfd[0].revents)
		drain_eventfd(d->wake_fd);
	if (cp->kick_fd >= 0 && pfd[1].revents) {
		drain_eventfd(cp->kick_fd);
		atomic_fetch_add(&d->stat_kicks, 1);
		irq_recheck(d);	/* IRQ_MASTER or IRQ_ENABLE may have been turned on */
	}
}

static void *cp_main(void *data)
{
	struct command_processor *cp = data;
	struct device *d = cp->d;

	bool worked = false;

	while (!atomic_load(&d->quit)) {
		if (connection_changed(cp))
			apply_connection(cp);
		read_control(cp);
		bool progress = run_ring(cp);

		set_status(cp);
		if (progress) {
			worked = true;
			continue;
		}
		/* Idle wake-ups (the vblank backstop) do not spin. */
		wait_for_work(cp, worked);
		worked = false;
	}
	return NULL;
}

struct command_processor *cp_create(struct device *d, struct engine *engine)
{
	struct command_processor *cp = calloc(1, sizeof(*cp));

	if (!cp)
		return NULL;
	cp->d = d;
	cp->engine = engine;
	cp->kick_fd = -1;
	return cp;
}

int cp_start(struct command_processor *cp)
{
	int err = pthread_create(&cp->thread, NULL, cp_main, cp);

	if (err)
		return -err;
	cp->started = true;
	return 0;
}

void cp_destroy(struct command_processor *cp)
{
	if (!cp)
		return;
	if (cp->started)
		pthread_join(cp->thread, NULL);
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
