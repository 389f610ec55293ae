// SPDX-License-Identifier: MIT
/*
 * cp_ring.c - executes one context's command ring.
 *
 * The ring lives in VRAM that the driver may scribble on at any time, so
 * every command is first copied into a private buffer and only the copy is
 * validated and executed. A client context's ring must lie in its window,
 * its surfaces too (its engine checks them), and FLIP and WAIT_VBLANK are
 * the master's alone. An error stops only this context's ring, raises
 * ERROR on its vector, and is mirrored into the master's context table.
 */
#include <stdlib.h>
#include <string.h>

#include "cp_ring.h"
#include "command_processor.h"
#include "engine.h"

static void latch_ring(struct cp_ring *r)
{
	struct context *c = r->ctx;
	uint32_t base = ctx_read(c, GFX_REG_RING_BASE), size = ctx_read(c, GFX_REG_RING_SIZE);

	r->base = base;
	r->size = size;
	r->valid = base % 4096 == 0 && base >= c->window_offset &&
		   size >= 4096 && (size & (size - 1)) == 0 &&
		   (uint64_t)base + size <= (uint64_t)c->window_offset + c->window_size;
}

void ring_set_status(struct cp_ring *r)
{
	struct device *d = r->d;
	struct context *c = r->ctx;
	uint32_t bits = 0, old, new;
	bool flip_pending = false;

	if (ctx_is_master(c)) {
		pthread_mutex_lock(&d->flip_lock);
		flip_pending = d->flip_pending;
		pthread_mutex_unlock(&d->flip_lock);
	}
	if (r->attached && r->enabled && !r->error)
		bits |= GFX_STATUS_RING_RUNNING;
	if (r->error)
		bits |= GFX_STATUS_RING_ERROR;
	if ((!r->enabled || r->head == r->tail) && r->stall == STALL_NONE && !flip_pending)
		bits |= GFX_STATUS_IDLE;
	/* FLIP_PENDING belongs to the display controller: keep it. */
	old = atomic_load(ctx_reg32(c, GFX_REG_STATUS));
	do {
		new = (old & GFX_STATUS_FLIP_PENDING) | bits;
	} while (old != new && !atomic_compare_exchange_weak(ctx_reg32(c, GFX_REG_STATUS), &old, new));
	if (__atomic_load_n(&c->mirror->status, __ATOMIC_RELAXED) != new)
		registers_mirror(d, c);
}

static void set_head(struct cp_ring *r, uint32_t head)
{
	r->head = head;
	ctx_write(r->ctx, GFX_REG_RING_HEAD, head);
}

static void clear_error(struct cp_ring *r)
{
	r->error = false;
	ctx_write(r->ctx, GFX_REG_ERROR_CODE, GFX_ERR_NONE);
	ctx_write(r->ctx, GFX_REG_ERROR_OFFSET, 0);
}

/* Stop the ring at the command at head. */
static void ring_error(struct cp_ring *r, uint32_t code, uint32_t skip_to)
{
	struct context *c = r->ctx;

	r->error = true;
	r->skip_to = skip_to;
	r->stall = STALL_NONE;
	ctx_write(c, GFX_REG_ERROR_CODE, code);
	ctx_write(c, GFX_REG_ERROR_OFFSET, r->head);
	ctx_write(c, GFX_REG_ERROR_COUNT, atomic_fetch_add(&c->error_count, 1) + 1);
	ring_set_status(r);
	registers_mirror(r->d, c);
	irq_raise(r->d, c, GFX_IRQ_ERROR);
}

void ring_reset(struct cp_ring *r)
{
	struct context *c = r->ctx;
	uint32_t tail = ctx_read(c, GFX_REG_RING_TAIL);

	latch_ring(r);
	/* Drop everything queued: the ring restarts where the driver writes next. */
	if (r->valid && tail < r->size && tail % 4 == 0)
		set_head(r, tail);
	else
		set_head(r, 0);
	r->tail = r->head;
	clear_error(r);
	r->stall = STALL_NONE;
	atomic_store(&c->hang, false);
	engine_reset(r->engine);
	ctx_write(c, GFX_REG_RESET_COUNT, atomic_fetch_add(&c->reset_count, 1) + 1);
	ring_set_status(r);
	registers_mirror(r->d, c);
}

void ring_read_control(struct cp_ring *r)
{
	struct context *c = r->ctx;
	uint32_t ctrl = ctx_read(c, GFX_REG_CONTROL);
	bool enable = ctrl & GFX_CTRL_RING_ENABLE;

	if (!r->attached)
		return;
	if (enable && !r->enabled)
		latch_ring(r);
	r->enabled = enable;
	if (ctrl & GFX_CTRL_RESET) {
		ring_reset(r);
		ctx_clear_bits(c, GFX_REG_CONTROL, GFX_CTRL_RESET | GFX_CTRL_SKIP);
	} else if (ctrl & GFX_CTRL_SKIP) {
		if (r->error) {
			set_head(r, r->skip_to);
			clear_error(r);
		}
		ctx_clear_bits(c, GFX_REG_CONTROL, GFX_CTRL_SKIP);
	}
}

void ring_attach(struct cp_ring *r)
{
	static const uint32_t zeroed[] = {
		GFX_REG_CONTROL, GFX_REG_IRQ_ENABLE, GFX_REG_IRQ_CAUSE, GFX_REG_RING_BASE,
		GFX_REG_RING_SIZE, GFX_REG_RING_TAIL, GFX_REG_CTX_RESET, GFX_REG_ERROR_CODE,
		GFX_REG_ERROR_OFFSET,
	};
	struct context *c = r->ctx;

	for (unsigned int i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++)
		ctx_write(c, zeroed[i], 0);
	ctx_write(c, GFX_REG_IRQ_MASTER, 1);
	r->attached = true;
	r->enabled = false;
	r->valid = false;
	r->error = false;
	r->stall = STALL_NONE;
	r->tail = 0;
	set_head(r, 0);
	atomic_store(&c->hang, false);
	engine_reset(r->engine);
	c->irq_line_mask = 0;	/* the caller holds conn_lock */
}

void ring_detach(struct cp_ring *r)
{
	ctx_write(r->ctx, GFX_REG_CONTROL, 0);
	ctx_write(r->ctx, GFX_REG_IRQ_ENABLE, 0);
	r->attached = false;
	r->enabled = false;
	r->stall = STALL_NONE;
}

static uint32_t ring_word(struct cp_ring *r, uint32_t byte_off)
{
	const _Atomic uint32_t *w = (const _Atomic uint32_t *)(const void *)
		(r->d->bar2 + r->base + (byte_off & (r->size - 1)));

	return atomic_load_explicit(w, memory_order_relaxed);
}

static uint32_t exec_fence(struct cp_ring *r, uint32_t flags, const uint32_t *p, unsigned int n)
{
	struct context *c = r->ctx;

	if (n != GFX_FENCE_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	/* Everything before it is done: the engine works synchronously. */
	uint64_t seqno = (uint64_t)p[0] | (uint64_t)p[1] << 32;

	atomic_store(&c->fence_done, seqno);
	ctx_write64(c, GFX_REG_FENCE_DONE, seqno);
	__atomic_store_n(&c->mirror->fence_done, seqno, __ATOMIC_RELEASE);
	if (flags & GFX_FENCE_IRQ)
		irq_raise(r->d, c, GFX_IRQ_FENCE);
	return GFX_ERR_NONE;
}

static uint32_t exec_wait_vblank(struct cp_ring *r, unsigned int n, bool *stalled)
{
	uint64_t seq = atomic_load(&r->d->vblank_seq);

	if (n != GFX_WAIT_VBLANK_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	if (!ctx_is_master(r->ctx))
		return GFX_ERR_PRIVILEGED;
	if (r->stall != STALL_VBLANK || r->stall_head != r->head) {
		r->stall = STALL_VBLANK;
		r->stall_head = r->head;
		r->stall_vblank = seq + 1;
	}
	if (seq < r->stall_vblank) {
		*stalled = true;
		return GFX_ERR_NONE;
	}
	r->stall = STALL_NONE;
	return GFX_ERR_NONE;
}

static uint32_t exec_flip(struct cp_ring *r, const uint32_t *p, unsigned int n, bool *stalled)
{
	struct device *d = r->d;
	struct surface_desc s;
	uint32_t err;

	if (n != GFX_FLIP_WORDS - 1)
		return GFX_ERR_BAD_LENGTH;
	if (!ctx_is_master(r->ctx))
		return GFX_ERR_PRIVILEGED;
	s = (struct surface_desc){ p[0], p[1], p[2], p[3], p[4] };
	if ((err = engine_check_surface(r->engine, &s)))
		return err;
	if (s.width != d->cfg.width || s.height != d->cfg.height)
		return GFX_ERR_BAD_MODE;
	pthread_mutex_lock(&d->flip_lock);
	if (d->flip_pending) {
		/* One flip in flight: wait for the vblank that latches it. */
		pthread_mutex_unlock(&d->flip_lock);
		r->stall = STALL_FLIP;
		r->stall_head = r->head;
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
	r->stall = STALL_NONE;
	return GFX_ERR_NONE;
}

/* The ring's own commands here; drawing is the engine's (engine_execute). */
static uint32_t execute(struct cp_ring *r, uint32_t hdr, const uint32_t *p, unsigned int n, bool *stalled)
{
	switch (GFX_CMD_OPCODE(hdr)) {
	case GFX_OP_FENCE:
		return exec_fence(r, GFX_CMD_FLAGS(hdr), p, n);
	case GFX_OP_WAIT_VBLANK:
		return exec_wait_vblank(r, n, stalled);
	case GFX_OP_FLIP:
		return exec_flip(r, p, n, stalled);
	default:
		return engine_execute(r->engine, hdr, p, n);
	}
}

bool ring_runnable(struct cp_ring *r)
{
	return r->attached && r->enabled && !r->error && !atomic_load(&r->ctx->hang) &&
	       (!r->valid || ctx_read(r->ctx, GFX_REG_RING_TAIL) != r->head);
}

bool ring_quiet(struct cp_ring *r)
{
	uint32_t ctrl;

	if (!r->attached)
		return true;	/* ring_read_control ignores it, nothing runs */
	ctrl = ctx_read(r->ctx, GFX_REG_CONTROL);
	if ((ctrl & (GFX_CTRL_RESET | GFX_CTRL_SKIP)) || !(ctrl & GFX_CTRL_RING_ENABLE) != !r->enabled)
		return false;
	return r->stall == STALL_NONE && !ring_runnable(r);
}

/* Fetch, copy and execute the command at head; false when the loop must stop. */
static bool step(struct cp_ring *r, bool *progress)
{
	uint32_t tail = ctx_read(r->ctx, GFX_REG_RING_TAIL);	/* acquire: the words before it are written */
	uint32_t mask = r->size - 1, avail, hdr, words, err;
	bool stalled = false;

	if (tail >= r->size || tail % 4) {
		ring_error(r, GFX_ERR_BAD_RING, r->head);
		return false;
	}
	r->tail = tail;
	if (r->head == tail)
		return false;
	avail = ((tail - r->head) & mask) / 4;
	hdr = ring_word(r, r->head);
	words = GFX_CMD_WORDS(hdr);
	if (words == 0) {
		ring_error(r, GFX_ERR_BAD_LENGTH, (r->head + 4) & mask);
		return false;
	}
	if (words > avail || words > GFX_MAX_CMD_WORDS) {
		ring_error(r, GFX_ERR_BAD_LENGTH, tail);
		return false;
	}
	/* Work on a private copy: the ring may change under us. */
	r->cmd[0] = hdr;
	for (uint32_t i = 1; i < words; i++)
		r->cmd[i] = ring_word(r, r->head + 4 * i);
	err = execute(r, hdr, r->cmd + 1, words - 1, &stalled);
	if (err) {
		ring_error(r, err, (r->head + 4 * words) & mask);
		return false;
	}
	if (stalled)
		return false;
	set_head(r, (r->head + 4 * words) & mask);
	atomic_fetch_add(&r->ctx->stat_commands, 1);
	*progress = true;
	return true;
}

bool ring_run(struct cp_ring *r, uint64_t deadline_ns)
{
	bool progress = false;

	if (!r->attached || !r->enabled || r->error || atomic_load(&r->ctx->hang))
		return false;
	if (!r->valid) {
		ring_error(r, GFX_ERR_BAD_RING, r->head);
		return false;
	}
	while (!cp_should_stop(r->cp) && !atomic_load(&r->ctx->hang) && step(r, &progress))
		if (device_now_ns() >= deadline_ns)
			break;
	return progress;
}
