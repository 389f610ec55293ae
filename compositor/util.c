/* SPDX-License-Identifier: MIT */
/*
 * util.c - the clock, messages and rectangle clipping (util.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "util.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static void vlog(const char *fmt, va_list ap)
{
	/* One write per line, so that lines of two servers in one process do not mix. */
	char line[1024];
	int n = snprintf(line, sizeof(line), "gfx-compositor: ");

	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_debug(bool on, const char *fmt, ...)
{
	va_list ap;

	if (!on)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

bool rect_clip(struct gfx_rect *r, uint32_t w, uint32_t h, int32_t *dx, int32_t *dy)
{
	int64_t x1 = r->x, y1 = r->y, x2 = x1 + r->w, y2 = y1 + r->h;
	int64_t cx1 = x1 < 0 ? 0 : x1, cy1 = y1 < 0 ? 0 : y1;
	int64_t cx2 = x2 > w ? w : x2, cy2 = y2 > h ? h : y2;

	if (dx) {
		*dx = (int32_t)(cx1 - x1);
		*dy = (int32_t)(cy1 - y1);
	}
	if (cx2 <= cx1 || cy2 <= cy1) {
		*r = (struct gfx_rect){ 0 };
		return false;
	}
	*r = (struct gfx_rect){ (int32_t)cx1, (int32_t)cy1, (uint32_t)(cx2 - cx1),
				(uint32_t)(cy2 - cy1) };
	return true;
}
