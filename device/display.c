// SPDX-License-Identifier: MIT
/*
 * display.c - the display controller.
 *
 * Vblank comes from absolute CLOCK_MONOTONIC deadlines, one period apart,
 * so the rate is exact however late a single wake-up is. A pending flip is
 * latched only here, at vblank, so a frame never tears. Each log entry is
 * written before its counter is raised (release), as gfx_hw.h promises.
 */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "command_processor.h"
#include "display.h"
#include "png_output.h"
#include "window.h"

/* Sleep at most this long at once, so shutdown is prompt at low refresh rates. */
#define MAX_SLEEP_NS 50000000ull

struct display {
	struct device *d;
	pthread_t thread;
	uint64_t period_ns;
};

static void store64(struct device *d, uint32_t off, uint64_t v)
{
	atomic_store_explicit(reg64(d, off), v, memory_order_relaxed);
}

static uint32_t latch_flip(struct device *d, uint64_t seq, uint64_t now)
{
	uint64_t count;
	uint32_t entry;

	pthread_mutex_lock(&d->flip_lock);
	if (!d->flip_pending) {
		pthread_mutex_unlock(&d->flip_lock);
		return 0;
	}
	reg_write(d, GFX_REG_SCANOUT_STRIDE, d->pending_flip.stride);
	reg_write(d, GFX_REG_SCANOUT_FORMAT, d->pending_flip.format);
	reg_write(d, GFX_REG_SCANOUT_OFFSET, d->pending_flip.offset);
	d->scanout = (struct scanout){ d->pending_flip.offset, d->pending_flip.stride,
				       d->pending_flip.format };
	count = atomic_load(&d->flip_count) + 1;
	entry = GFX_REG_FLIP_LOG + (uint32_t)(count % GFX_LOG_ENTRIES) * sizeof(struct gfx_flip_entry);
	store64(d, entry + offsetof(struct gfx_flip_entry, count), count);
	store64(d, entry + offsetof(struct gfx_flip_entry, vblank_seq), seq);
	store64(d, entry + offsetof(struct gfx_flip_entry, time_ns), now);
	store64(d, entry + offsetof(struct gfx_flip_entry, user_data), d->pending_flip.user_data);
	reg_write64(d, GFX_REG_FLIP_COUNT, count);
	atomic_store(&d->flip_count, count);
	d->flip_pending = false;
	reg_clear_bits(d, GFX_REG_STATUS, GFX_STATUS_FLIP_PENDING);
	pthread_mutex_unlock(&d->flip_lock);
	return GFX_IRQ_FLIP_DONE;
}

/* `advance` > 1 after missed deadlines: the counter stays locked to the clock. */
static void vblank(struct display *disp, uint64_t now, uint64_t advance)
{
	struct device *d = disp->d;
	uint64_t seq = atomic_load(&d->vblank_seq) + advance;
	uint32_t entry = GFX_REG_VBLANK_LOG + (uint32_t)(seq % GFX_LOG_ENTRIES) * sizeof(struct gfx_vblank_entry);
	uint32_t causes = GFX_IRQ_VBLANK;

	causes |= latch_flip(d, seq, now);
	store64(d, entry + offsetof(struct gfx_vblank_entry, seq), seq);
	store64(d, entry + offsetof(struct gfx_vblank_entry, time_ns), now);
	reg_write64(d, GFX_REG_VBLANK_SEQ, seq);
	atomic_store(&d->vblank_seq, seq);

	irq_raise(d, &d->ctx[GFX_MASTER_CONTEXT], causes);
	/* Backstop for drivers that enabled interrupts without ringing. */
	for (unsigned int i = 0; i < d->cfg.contexts; i++)
		irq_recheck(d, &d->ctx[i]);
	cp_vblank(d);	/* stalls on vblank and flips end here; also the doorbell backstop */
	if (d->png && d->cfg.png_every && seq % d->cfg.png_every == 0)
		png_output_frame(d->png, seq);
	if (d->window)
		window_output_vblank(d->window);
}

static void *display_main(void *data)
{
	struct display *disp = data;
	struct device *d = disp->d;
	struct sched_param param = { .sched_priority = 10 };
	uint64_t next = device_now_ns();

	/*
	 * Best effort: a real-time priority keeps vblanks on time on a busy
	 * host. This thread only sleeps and does a few stores per vblank.
	 */
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);

	while (!atomic_load(&d->quit)) {
		uint64_t now = device_now_ns();

		next += disp->period_ns;
		/* Sleep to the absolute deadline, in short steps to notice quit. */
		while (now < next && !atomic_load(&d->quit)) {
			uint64_t until = next - now > MAX_SLEEP_NS ? now + MAX_SLEEP_NS : next;
			struct timespec ts = { (time_t)(until / 1000000000u), (long)(until % 1000000000u) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			now = device_now_ns();
		}
		if (atomic_load(&d->quit))
			break;
		/*
		 * Overran whole periods (the host was busy): count them, and let
		 * VBLANK_SEQ jump so that it stays locked to the clock, as a
		 * hardware counter would. The timestamp is the vblank's deadline.
		 */
		uint64_t missed = (now - next) / disp->period_ns;

		if (missed) {
			atomic_fetch_add(&d->stat_missed_vblanks, missed);
			next += missed * disp->period_ns;
		}
		vblank(disp, next, 1 + missed);
	}
	return NULL;
}

struct display *display_start(struct device *d)
{
	struct display *disp = calloc(1, sizeof(*disp));

	if (!disp)
		return NULL;
	disp->d = d;
	disp->period_ns = 1000000000000ull / d->cfg.refresh_mhz;
	if (pthread_create(&disp->thread, NULL, display_main, disp)) {
		free(disp);
		return NULL;
	}
	pthread_setname_np(disp->thread, "gfx-vblank");
	return disp;
}

void display_stop(struct display *disp)
{
	if (!disp)
		return;
	pthread_join(disp->thread, NULL);
	free(disp);
}
