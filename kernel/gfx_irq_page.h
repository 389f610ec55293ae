/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gfx_irq_page.h - the irq page (struct gfx_uio_irq_page, gfx_hw.h) that
 * uio_gfx's handler and gfx_drm's user-mode queue handler fill for user
 * space, one writer each: the handler of that context's vector.
 */
#ifndef GFX_IRQ_PAGE_H
#define GFX_IRQ_PAGE_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <asm/barrier.h>
#include <gfx_hw.h>

/* The interrupt that took `cause` at `now`; count last (release), readers check it. */
static inline void gfx_irq_page_record(struct gfx_uio_irq_page *p, u32 cause, u64 now)
{
	for (int i = 0; i < GFX_IRQ_NUM_CAUSES; i++) {
		if (!(cause & BIT(i)))
			continue;
		WRITE_ONCE(p->cause_count[i], p->cause_count[i] + 1);
		WRITE_ONCE(p->cause_ns[i], now);
	}
	WRITE_ONCE(p->last_ns, now);
	WRITE_ONCE(p->last_cause, cause);
	smp_store_release(&p->count, p->count + 1);
}

#endif /* GFX_IRQ_PAGE_H */
