// SPDX-License-Identifier: MIT
/*
 * registers.c - the register area: the contexts' pages and windows, their
 * identity, the master's context table, and the values after reset.
 *
 * Context n's page is GFX_CTX_PAGE(n). The master's window is all of VRAM;
 * the client windows are cfg.window_size each, packed at the top of VRAM in
 * context order, so each is aligned to its (power-of-two) size.
 */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "device.h"
#include "engine.h"
#include "command_processor.h"

uint64_t device_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct scanout device_scanout(struct device *d)
{
	struct scanout s;

	pthread_mutex_lock(&d->flip_lock);
	s = d->scanout;
	pthread_mutex_unlock(&d->flip_lock);
	return s;
}

static void layout_contexts(struct device *d)
{
	uint64_t top = d->cfg.vram_size;
	unsigned int n = d->cfg.contexts;

	for (unsigned int i = 0; i < n; i++) {
		struct context *c = &d->ctx[i];

		c->id = i;
		c->regs = d->bar2 + GFX_CTX_PAGE(i);
		c->mirror = (struct gfx_ctx_entry *)(void *)(d->bar2 + GFX_REG_CTX_TABLE) + i;
		c->kick_fd = c->irq_fd = -1;
		if (i == GFX_MASTER_CONTEXT) {
			c->window_offset = GFX_VRAM_START;
			c->window_size = (uint32_t)(d->cfg.vram_size - GFX_VRAM_START);
		} else {
			c->window_size = d->cfg.window_size;
			c->window_offset = (uint32_t)(top - (uint64_t)(n - i) * d->cfg.window_size);
		}
	}
}

static void publish_identity(struct device *d, struct context *c)
{
	ctx_write(c, GFX_REG_MAGIC, GFX_MAGIC);
	ctx_write(c, GFX_REG_VERSION, GFX_VERSION);
	ctx_write64(c, GFX_REG_VRAM_SIZE, d->cfg.vram_size);
	ctx_write(c, GFX_REG_CAPS, GFX_CAP_BILINEAR | GFX_CAP_FORMAT_CONVERT | GFX_CAP_FLIP_LOG);
	ctx_write(c, GFX_REG_FORMAT_COUNT, engine_format_count);
	for (unsigned int i = 0; i < engine_format_count && i < GFX_MAX_FORMATS; i++)
		ctx_write(c, GFX_REG_FORMATS + 4 * i, engine_formats[i]);
	ctx_write(c, GFX_REG_DEVICE_PEER, 0);
	ctx_write(c, GFX_REG_MAX_CMD_WORDS, GFX_MAX_CMD_WORDS);
	ctx_write(c, GFX_REG_MODE_WIDTH, d->cfg.width);
	ctx_write(c, GFX_REG_MODE_HEIGHT, d->cfg.height);
	ctx_write(c, GFX_REG_MODE_REFRESH, d->cfg.refresh_mhz);
	ctx_write(c, GFX_REG_CONTEXT_ID, c->id);
	ctx_write(c, GFX_REG_CONTEXT_COUNT, d->cfg.contexts);
	ctx_write(c, GFX_REG_WINDOW_OFFSET, c->window_offset);
	ctx_write(c, GFX_REG_WINDOW_SIZE, c->window_size);
	ctx_write(c, GFX_REG_ERROR_COUNT, atomic_load(&c->error_count));
	ctx_write(c, GFX_REG_RESET_COUNT, atomic_load(&c->reset_count));
	ctx_write64(c, GFX_REG_FENCE_DONE, atomic_load(&c->fence_done));
}

void registers_mirror(struct device *d, struct context *c)
{
	struct gfx_ctx_entry *m = c->mirror;

	__atomic_store_n(&m->window_offset, c->window_offset, __ATOMIC_RELAXED);
	__atomic_store_n(&m->window_size, c->window_size, __ATOMIC_RELAXED);
	__atomic_store_n(&m->status, ctx_read(c, GFX_REG_STATUS), __ATOMIC_RELAXED);
	__atomic_store_n(&m->error_code, ctx_read(c, GFX_REG_ERROR_CODE), __ATOMIC_RELAXED);
	__atomic_store_n(&m->error_count, atomic_load(&c->error_count), __ATOMIC_RELAXED);
	__atomic_store_n(&m->reset_count, atomic_load(&c->reset_count), __ATOMIC_RELAXED);
	__atomic_store_n(&m->fence_done, (uint64_t)atomic_load(&c->fence_done), __ATOMIC_RELEASE);
}

/* Identity and the device's counters, as the device knows them. */
void registers_publish(struct device *d)
{
	for (unsigned int i = 0; i < d->cfg.contexts; i++) {
		publish_identity(d, &d->ctx[i]);
		registers_mirror(d, &d->ctx[i]);
	}
	reg_write64(d, GFX_REG_VBLANK_SEQ, atomic_load(&d->vblank_seq));
	reg_write64(d, GFX_REG_FLIP_COUNT, atomic_load(&d->flip_count));
	pthread_mutex_lock(&d->input_lock);
	reg_write64(d, GFX_REG_INPUT_COUNT, d->input_count);
	pthread_mutex_unlock(&d->input_lock);
	struct scanout so = device_scanout(d);
	reg_write(d, GFX_REG_SCANOUT_STRIDE, so.stride);
	reg_write(d, GFX_REG_SCANOUT_FORMAT, so.format);
	reg_write(d, GFX_REG_SCANOUT_OFFSET, so.offset);
}

void registers_init(struct device *d)
{
	memset(d->bar2, 0, GFX_REG_AREA_SIZE);
	layout_contexts(d);
	for (unsigned int i = 0; i < d->cfg.contexts; i++) {
		ctx_write(&d->ctx[i], GFX_REG_IRQ_MASTER, 1);
		ctx_write(&d->ctx[i], GFX_REG_STATUS, GFX_STATUS_IDLE);
	}
	registers_publish(d);
}
