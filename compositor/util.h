/* SPDX-License-Identifier: MIT */
/*
 * util.h - what every unit of the compositor uses: the clock, messages,
 * container_of, rectangles, and the limits on what clients send.
 */
#ifndef COMPOSITOR_UTIL_H
#define COMPOSITOR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gfx.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define NS_PER_MS	1000000ull
#define NS_PER_SEC	1000000000ull
/* Before buffers the GPU may still use go (at exit, on a display change): wait at most this long. */
#define FINISH_TIMEOUT_NS	(500 * NS_PER_MS)

/*
 * Client coordinates and sizes are clamped where they enter, so that no sum
 * of them can overflow (a client must never make us hit undefined
 * behaviour): a coordinate stays within +-COORD_MAX, a size within the
 * GPU's largest surface side, and a sum of a handful of each fits in int32.
 */
#define MAX_NESTING	32				/* subsurfaces in subsurfaces, popups on popups */
#define COORD_MAX	(1 << 20)
#define SIZE_MAX_PX	((int32_t)GFX_MAX_SURFACE_SIDE)	/* largest surface or buffer side */

static inline int32_t clamp_coord(int32_t v)
{
	return v < -COORD_MAX ? -COORD_MAX : v > COORD_MAX ? COORD_MAX : v;
}

static inline int32_t clamp_size(int32_t v)
{
	return v < 0 ? 0 : v > SIZE_MAX_PX ? SIZE_MAX_PX : v;
}

static inline bool rect_contains(const struct gfx_rect *r, double x, double y)
{
	return x >= r->x && y >= r->y && x < r->x + (int32_t)r->w && y < r->y + (int32_t)r->h;
}

/*
 * Cut r to the area (0, 0, w, h) (the output): the GPU refuses rectangles
 * outside its surfaces. The offset of the cut part inside the old r goes to
 * *dx, *dy when they are given. False (and r empty) when nothing is left.
 */
bool rect_clip(struct gfx_rect *r, uint32_t w, uint32_t h, int32_t *dx, int32_t *dy);

/* CLOCK_MONOTONIC, the clock libgfx gives vblank times in. */
uint64_t now_ns(void);
static inline uint32_t now_ms(void)
{
	return (uint32_t)(now_ns() / NS_PER_MS);
}

/* Messages on stderr, "gfx-compositor: " first; log_debug only when on. */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(bool on, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* COMPOSITOR_UTIL_H */
