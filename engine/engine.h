/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the 2D engine: validates and executes drawing commands on VRAM.
 *
 * The engine knows nothing about rings or registers: it gets the payload
 * words of one command and returns GFX_ERR_NONE or the GFX_ERR_* that stops
 * the ring. Every command is fully validated before any pixel is touched,
 * so a rejected command has no effect.
 */
#ifndef DEVICE_ENGINE_H
#define DEVICE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

struct engine;

struct surface_desc {
	uint32_t offset;	/* BAR2 offset */
	uint32_t width, height;
	uint32_t stride;	/* bytes */
	uint32_t format;	/* DRM fourcc */
};

/*
 * vram is the whole BAR2 (register area included); threads >= 1. The window
 * starts as all of VRAM (GFX_VRAM_START .. vram_size).
 */
struct engine *engine_create(uint8_t *vram, uint64_t vram_size, unsigned int threads);
/* Another context's engine state on the same VRAM and worker pool; destroy it first. */
struct engine *engine_clone(const struct engine *first);
void engine_destroy(struct engine *e);

/* Surfaces (and flip buffers) must lie in BAR2 [offset, offset + size) (GFX_ERR_SURFACE_OOB). */
void engine_set_window(struct engine *e, uint64_t offset, uint64_t size);
/*
 * Make the engine preemptible: while drawing it calls fn(data) about every
 * quarter million pixels, between slices of rows, where nothing of its own
 * state is in use. fn may run another engine (never this one).
 */
void engine_set_preempt(struct engine *e, void (*fn)(void *data), void *data);

/* Forget both surfaces and the clip (CTRL_RESET, a new driver). */
void engine_reset(struct engine *e);

/* The formats the engine supports, in FORMATS register order. */
extern const uint32_t engine_formats[];
extern const unsigned int engine_format_count;
uint32_t engine_format_bpp(uint32_t fourcc);	/* 0 if unsupported */

/* Check a surface against the rules of SET_SURFACE (also used by FLIP). */
uint32_t engine_check_surface(const struct engine *e, const struct surface_desc *s);

/*
 * One drawing command: its header word and payload (n words, the header
 * excluded). NOP, SET_SURFACE, SET_CLIP, FILL_RECTS, COPY_RECTS,
 * BLEND_RECTS and STRETCH_BLIT; anything else is GFX_ERR_BAD_OPCODE (FENCE,
 * FLIP and WAIT_VBLANK belong to whoever runs the ring: gfx-device's command
 * processor, or libgfx's CPU drivers).
 */
uint32_t engine_execute(struct engine *e, uint32_t hdr, const uint32_t *p, unsigned int n);

/* The commands one by one. Payloads exclude the header word; n counts payload words. */
uint32_t engine_set_surface(struct engine *e, unsigned int slot, const uint32_t *p, unsigned int n);
uint32_t engine_set_clip(struct engine *e, const uint32_t *p, unsigned int n);
uint32_t engine_fill(struct engine *e, unsigned int flags, const uint32_t *p, unsigned int n);
uint32_t engine_copy(struct engine *e, const uint32_t *p, unsigned int n);
uint32_t engine_blend(struct engine *e, const uint32_t *p, unsigned int n);
uint32_t engine_stretch(struct engine *e, unsigned int flags, const uint32_t *p, unsigned int n);

/*
 * Operations of at least `pixels` pixels are split into bands across the
 * threads. With `adaptive`, banding pauses while workers do not keep up
 * (a busy host); tests turn that off to exercise bands deterministically.
 */
void engine_set_band_policy(struct engine *e, uint32_t pixels, bool adaptive);

#endif /* DEVICE_ENGINE_H */
