/* SPDX-License-Identifier: MIT */
/*
 * engine_blend_avx2.h - premultiplied OVER of 32-bit rows with AVX2.
 */
#ifndef DEVICE_ENGINE_BLEND_AVX2_H
#define DEVICE_ENGINE_BLEND_AVX2_H

#include <stdbool.h>
#include <stdint.h>

/* True when this CPU can run blend_over_row_avx2(). */
bool blend_avx2_available(void);

/*
 * dst[i] = src[i]·m + dst[i]·(1 − src[i].alpha·m) for n pixels, m = alpha/255
 * (255: no mask). Channel order does not matter as long as alpha is the top
 * byte of both. Bit-exact with pixman's SSE2 OVER paths.
 */
void blend_over_row_avx2(uint32_t *dst, const uint32_t *src, uint32_t n, uint32_t alpha);

#endif /* DEVICE_ENGINE_BLEND_AVX2_H */
