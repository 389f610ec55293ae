// SPDX-License-Identifier: MIT
/*
 * irq.c - interrupt delivery: IRQ_CAUSE in a context's page, an eventfd
 * write on that context's vector, and the fault injection that drops or
 * delays it.
 *
 * Causes are only ever ORed in here; the driver takes them with an atomic
 * exchange. An interrupt is sent when a cause is raised while it is enabled
 * (IRQ_ENABLE and IRQ_MASTER), and when a doorbell or vblank finds a
 * pending cause that was enabled since the last look.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "device.h"

/* The eventfd write itself. */
static void send_irq(struct device *d, struct context *c)
{
	pthread_mutex_lock(&d->conn_lock);
	if (c->irq_fd >= 0) {
		uint64_t one = 1;

		/* EAGAIN means the counter is saturated: the driver has a wake-up pending anyway. */
		if (write(c->irq_fd, &one, sizeof(one)) == sizeof(one))
			atomic_fetch_add(&c->stat_irqs, 1);
	}
	pthread_mutex_unlock(&d->conn_lock);
}

/*
 * Delayed interrupts (gfx-ctl delay-irqs) leave on their own thread, so
 * the unit that raised them (the vblank timer, the CP) keeps its pace.
 */
#define DELAY_QUEUE 256

struct irq_delay {
	struct device *d;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t due[DELAY_QUEUE];	/* CLOCK_MONOTONIC ns, in order */
	struct context *ctx[DELAY_QUEUE];	/* whose vector */
	unsigned int head, count;
	bool stop;
};

static void *delay_main(void *data)
{
	struct irq_delay *q = data;

	pthread_mutex_lock(&q->lock);
	while (!q->stop) {
		uint64_t now = device_now_ns(), due;

		if (q->count == 0) {
			pthread_cond_wait(&q->cond, &q->lock);
			continue;
		}
		due = q->due[q->head];
		struct context *c = q->ctx[q->head];

		if (now < due) {
			struct timespec ts = { (time_t)(due / 1000000000u), (long)(due % 1000000000u) };

			pthread_cond_timedwait(&q->cond, &q->lock, &ts);
			continue;
		}
		q->head = (q->head + 1) % DELAY_QUEUE;
		q->count--;
		pthread_mutex_unlock(&q->lock);
		send_irq(q->d, c);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int irq_delay_start(struct device *d)
{
	struct irq_delay *q = calloc(1, sizeof(*q));
	pthread_condattr_t attr;

	if (!q)
		return -1;
	q->d = d;
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&q->thread, NULL, delay_main, q)) {
		free(q);
		return -1;
	}
	pthread_setname_np(q->thread, "gfx-irq-delay");
	d->irq_delay = q;
	return 0;
}

void irq_delay_stop(struct device *d)
{
	struct irq_delay *q = d->irq_delay;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
	d->irq_delay = NULL;
}

static void deliver(struct device *d, struct context *c)
{
	unsigned int drop = atomic_load(&d->drop_irqs);
	unsigned int delay_us = atomic_load(&d->delay_irq_us);
	struct irq_delay *q = d->irq_delay;

	while (drop > 0) {
		if (atomic_compare_exchange_weak(&d->drop_irqs, &drop, drop - 1)) {
			atomic_fetch_add(&d->stat_irqs_dropped, 1);
			return;
		}
	}
	if (!delay_us || !q) {
		send_irq(d, c);
		return;
	}
	pthread_mutex_lock(&q->lock);
	/* A full queue already holds a later interrupt, which covers this one's cause. */
	if (q->count < DELAY_QUEUE) {
		unsigned int at = (q->head + q->count) % DELAY_QUEUE;

		q->due[at] = device_now_ns() + (uint64_t)delay_us * 1000;
		q->ctx[at] = c;
		q->count++;
		pthread_cond_signal(&q->cond);
	}
	pthread_mutex_unlock(&q->lock);
}

void irq_raise(struct device *d, struct context *c, uint32_t causes)
{
	ctx_set_bits(c, GFX_REG_IRQ_CAUSE, causes);
	if ((causes & ctx_read(c, GFX_REG_IRQ_ENABLE)) && ctx_read(c, GFX_REG_IRQ_MASTER))
		deliver(d, c);
}

void irq_recheck(struct device *d, struct context *c)
{
	uint32_t line = ctx_read(c, GFX_REG_IRQ_MASTER) ? ctx_read(c, GFX_REG_IRQ_ENABLE) : 0;
	uint32_t newly;

	pthread_mutex_lock(&d->conn_lock);
	newly = line & ~c->irq_line_mask;
	c->irq_line_mask = line;
	pthread_mutex_unlock(&d->conn_lock);
	if (newly & ctx_read(c, GFX_REG_IRQ_CAUSE))
		deliver(d, c);
}
