// SPDX-License-Identifier: MIT
/*
 * irq.c - interrupt delivery: IRQ_CAUSE in shared memory, an eventfd write
 * to the driver, and the fault injection that drops or delays it.
 *
 * Causes are only ever ORed in here; the driver takes them with an atomic
 * exchange. An interrupt is sent when a cause is raised while it is enabled
 * (IRQ_ENABLE and IRQ_MASTER), and when a doorbell or vblank finds a
 * pending cause that was enabled since the last look.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "device.h"

static void deliver(struct device *d)
{
	unsigned int drop = atomic_load(&d->drop_irqs);
	unsigned int delay_us;

	while (drop > 0) {
		if (atomic_compare_exchange_weak(&d->drop_irqs, &drop, drop - 1)) {
			atomic_fetch_add(&d->stat_irqs_dropped, 1);
			return;
		}
	}
	delay_us = atomic_load(&d->delay_irq_us);
	if (delay_us) {
		struct timespec ts = { delay_us / 1000000, (long)(delay_us % 1000000) * 1000 };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	pthread_mutex_lock(&d->conn_lock);
	if (d->irq_fd >= 0) {
		uint64_t one = 1;

		/* EAGAIN means the counter is saturated: the driver has a wake-up pending anyway. */
		if (write(d->irq_fd, &one, sizeof(one)) == sizeof(one))
			atomic_fetch_add(&d->stat_irqs, 1);
	}
	pthread_mutex_unlock(&d->conn_lock);
}

void irq_raise(struct device *d, uint32_t causes)
{
	reg_set_bits(d, GFX_REG_IRQ_CAUSE, causes);
	if ((causes & reg_read(d, GFX_REG_IRQ_ENABLE)) && reg_read(d, GFX_REG_IRQ_MASTER))
		deliver(d);
}

void irq_recheck(struct device *d)
{
	uint32_t line = reg_read(d, GFX_REG_IRQ_MASTER) ? reg_read(d, GFX_REG_IRQ_ENABLE) : 0;
	uint32_t newly;

	pthread_mutex_lock(&d->conn_lock);
	newly = line & ~d->irq_line_mask;
	d->irq_line_mask = line;
	pthread_mutex_unlock(&d->conn_lock);
	if (newly & reg_read(d, GFX_REG_IRQ_CAUSE))
		deliver(d);
}
