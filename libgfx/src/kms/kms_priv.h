/* SPDX-License-Identifier: MIT */
/*
 * kms_priv.h - libgfx on any KMS device ("kms:/dev/dri/cardN"): the CPU
 * draws with the 2D engine gfx-device uses (engine/), into dumb buffers the
 * kernel scans out. Private state of kms_device.c and kms_mem.c.
 *
 * Memory is laid out as on our GPU, so the command encoders, the allocator
 * and the engine work unchanged: a reserved range of address space is the
 * "VRAM", VRAM offset o is arena + o, and every buffer is a dumb buffer of
 * the card mapped at its allocator offset in that range (MAP_FIXED). Any
 * buffer can so be put on screen, and the engine addresses all of them.
 *
 * Commands collect in a buffer of our memory; gfx_submit() executes them
 * with the engine, in the caller's thread (measured against a worker
 * thread: docs/compositor.md). A fence is done when gfx_submit() returns.
 */
#ifndef GFX_KMS_PRIV_H
#define GFX_KMS_PRIV_H

#include "cpu_exec.h"
#include "internal.h"
#include "kms_output.h"

/* "VRAM" of the CPU driver: address space only, until buffers are mapped in it. */
#define KMS_ARENA_MIB_DEFAULT	512

/* A dumb buffer, mapped at [offset, offset + size) of the arena. */
struct kms_bo {
	uint32_t offset, size;
	uint32_t handle;
	/* The framebuffer made at the first flip to (part of) it. */
	uint32_t fb_id, fb_offset, fb_width, fb_height, fb_stride, fb_format;
	bool doomed;			/* destroyed while on screen: goes once replaced */
};

struct gfx_kms {
	int fd;
	char driver[32];		/* the kernel driver's name */
	struct kms_output out;
	uint8_t *arena;
	uint64_t arena_size;
	struct gfx_cpu cpu;

	/* Our buffers, sorted by offset. */
	struct kms_bo *bos;
	unsigned int bo_n, bo_cap;
};

/* kms_mem.c */
int kms_mem_init(struct gfx_device *dev);
void kms_mem_fini(struct gfx_device *dev);
int kms_bo_create(struct gfx_device *dev, struct gfx_bo *bo);
void kms_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo);
/* The framebuffer showing bo (made once per buffer and layout). */
int kms_fb_for(struct gfx_device *dev, const struct gfx_bo *bo, uint32_t *fb_id);
/* A flip latched: buffers destroyed while on screen can go now. */
void kms_mem_latched(struct gfx_device *dev);

#endif /* GFX_KMS_PRIV_H */
