// SPDX-License-Identifier: MIT
/*
 * engine_blend_avx2.c - premultiplied OVER, 8 pixels per step.
 *
 * Blending is the engine's one compute-bound operation: pixman's SSE2 path
 * does 4 pixels per step. This does the same arithmetic on 8, so the
 * result is bit-exact with pixman (tests compare against it):
 *   mul(x, a) = ((x·a + 0x80) · 0x101) >> 16 per 8-bit channel,
 *   out = saturate(s + mul(d, 255 − s.alpha)), with s = mul(src, m) under a mask.
 */
#include "engine_blend_avx2.h"

#if defined(__x86_64__) && defined(__GNUC__)

#include <immintrin.h>

bool blend_avx2_available(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
}

static inline uint32_t mul8(uint32_t x, uint32_t a)
{
	uint32_t t = x * a + 0x80;

	return (t * 0x101) >> 16;
}

static inline uint32_t over_pixel(uint32_t d, uint32_t s, uint32_t m)
{
	uint32_t out = 0, sa;

	if (m != 255) {
		uint32_t t = 0;

		for (int c = 0; c < 32; c += 8)
			t |= mul8((s >> c) & 0xff, m) << c;
		s = t;
	}
	sa = 255 - (s >> 24);
	for (int c = 0; c < 32; c += 8) {
		uint32_t v = ((s >> c) & 0xff) + mul8((d >> c) & 0xff, sa);

		out |= (v > 255 ? 255 : v) << c;
	}
	return out;
}

__attribute__((target("avx2")))
static inline __m256i mul16(__m256i x, __m256i a)
{
	const __m256i half = _mm256_set1_epi16(0x80), k = _mm256_set1_epi16(0x101);

	return _mm256_mulhi_epu16(_mm256_adds_epu16(_mm256_mullo_epi16(x, a), half), k);
}

__attribute__((target("avx2")))
static inline __m256i alpha16(__m256i x)
{
	/* Each pixel's alpha (16-bit element 3 of 4) into all four of its elements. */
	return _mm256_shufflehi_epi16(_mm256_shufflelo_epi16(x, 0xff), 0xff);
}

__attribute__((target("avx2")))
void blend_over_row_avx2(uint32_t *dst, const uint32_t *src, uint32_t n, uint32_t alpha)
{
	const __m256i zero = _mm256_setzero_si256(), ff = _mm256_set1_epi16(0xff);
	const __m256i mask = _mm256_set1_epi16((short)alpha);
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i s = _mm256_loadu_si256((const __m256i *)(src + i));
		__m256i d, slo, shi, dlo, dhi;

		if (_mm256_testz_si256(s, s))
			continue;	/* transparent: dst unchanged */
		slo = _mm256_unpacklo_epi8(s, zero);
		shi = _mm256_unpackhi_epi8(s, zero);
		if (alpha != 255) {
			slo = mul16(slo, mask);
			shi = mul16(shi, mask);
		}
		d = _mm256_loadu_si256((const __m256i *)(dst + i));
		dlo = mul16(_mm256_unpacklo_epi8(d, zero), _mm256_xor_si256(alpha16(slo), ff));
		dhi = mul16(_mm256_unpackhi_epi8(d, zero), _mm256_xor_si256(alpha16(shi), ff));
		dlo = _mm256_adds_epu8(slo, dlo);
		dhi = _mm256_adds_epu8(shi, dhi);
		_mm256_storeu_si256((__m256i *)(dst + i), _mm256_packus_epi16(dlo, dhi));
	}
	for (; i < n; i++)
		dst[i] = over_pixel(dst[i], src[i], alpha);
}

#else

bool blend_avx2_available(void)
{
	return false;
}

void blend_over_row_avx2(uint32_t *dst, const uint32_t *src, uint32_t n, uint32_t alpha)
{
}

#endif
