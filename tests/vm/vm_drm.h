/* SPDX-License-Identifier: MIT */
/*
 * vm_drm.h - the gfx_drm uapi through plain libdrm, for the guest programs
 * that test it (guest_drm.c, guest_drm_fence.c): finding the node, GET_PARAM,
 * buffers, command streams with their relocations, SUBMIT and WAIT.
 */
#ifndef VM_DRM_H
#define VM_DRM_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

#include "gfx_drm.h"
#include "gfx_hw.h"

static inline int64_t vm_drm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the device ---- */

/* The first /dev/dri node of gfx_drm (card or render), -1 if none. */
static inline int open_gfx(bool render)
{
	for (int i = 0; i < 64; i++) {
		char path[64];
		drmVersionPtr v;
		int fd;

		snprintf(path, sizeof(path), render ? "/dev/dri/renderD%d" : "/dev/dri/card%d",
			 render ? 128 + i : i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, GFX_DRM_NAME)) {
			drmFreeVersion(v);
			return fd;
		}
		drmFreeVersion(v);
		close(fd);
	}
	return -1;
}

static inline int must_open(bool render)
{
	int fd = open_gfx(render);

	if (fd < 0) {
		const char *node = render ? "/dev/dri/renderD128" : "/dev/dri/card0";
		int e = open(node, O_RDWR | O_CLOEXEC) < 0 ? errno : 0;

		printf("no gfx_drm %s node in /dev/dri (%s: %s)\n", render ? "render" : "card", node,
		       e ? strerror(e) : "not gfx_drm");
		exit(1);
	}
	return fd;
}

/* The ioctl's errno as a negative number, 0 on success. */
static inline int ioc(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

static inline uint64_t param(int fd, uint32_t p, uint32_t index)
{
	struct drm_gfx_get_param a = { .param = p, .index = index };

	if (ioc(fd, DRM_IOCTL_GFX_GET_PARAM, &a))
		return UINT64_MAX;
	return a.value;
}

struct bo {
	uint32_t handle;
	uint64_t size, offset, mmap_offset;
	uint32_t *map;
};

static inline int bo_new(int fd, uint64_t size, struct bo *bo)
{
	struct drm_gfx_bo_create c = { .size = size };
	struct drm_gfx_bo_info i = { 0 };
	int r = ioc(fd, DRM_IOCTL_GFX_BO_CREATE, &c);

	if (r)
		return r;
	i.handle = c.handle;
	r = ioc(fd, DRM_IOCTL_GFX_BO_INFO, &i);
	if (r)
		return r;
	bo->handle = c.handle;
	bo->size = c.size;
	bo->offset = c.offset;
	bo->mmap_offset = i.mmap_offset;
	bo->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)i.mmap_offset);
	return bo->map == MAP_FAILED ? -errno : 0;
}

static inline void bo_close(int fd, struct bo *bo)
{
	struct drm_gem_close c = { .handle = bo->handle };

	if (bo->map && bo->map != MAP_FAILED)
		munmap(bo->map, bo->size);
	ioc(fd, DRM_IOCTL_GEM_CLOSE, &c);
	memset(bo, 0, sizeof(*bo));
}

static inline void gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	ioc(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

#define JOB_WORDS_MAX 16400	/* past the driver's MAX_SUBMIT_WORDS (16384) */

/* A command stream with its buffers and relocations. */
struct job {
	uint32_t w[JOB_WORDS_MAX], n;
	struct drm_gfx_reloc rel[256];
	uint32_t nrel;
	uint32_t bos[64], nbos;
};

static inline void job_reset(struct job *j)
{
	j->n = j->nrel = j->nbos = 0;
}

static inline uint32_t job_bo(struct job *j, uint32_t handle)
{
	for (uint32_t i = 0; i < j->nbos; i++)
		if (j->bos[i] == handle)
			return i;
	j->bos[j->nbos] = handle;
	return j->nbos++;
}

static inline void job_surface(struct job *j, uint32_t slot, uint32_t handle, uint32_t off, uint32_t w,
			uint32_t h, uint32_t stride, uint32_t fmt)
{
	j->rel[j->nrel++] = (struct drm_gfx_reloc){ j->n, job_bo(j, handle) };
	j->w[j->n++] = GFX_CMD(GFX_OP_SET_SURFACE, slot, GFX_SET_SURFACE_WORDS);
	j->w[j->n++] = off;
	j->w[j->n++] = w;
	j->w[j->n++] = h;
	j->w[j->n++] = stride;
	j->w[j->n++] = fmt;
}

static inline void job_fill(struct job *j, uint32_t color, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	j->w[j->n++] = GFX_CMD(GFX_OP_FILL_RECTS, 0, 4);
	j->w[j->n++] = color;
	j->w[j->n++] = GFX_PACK(x, y);
	j->w[j->n++] = GFX_PACK(w, h);
}

static inline void job_clip(struct job *j, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	j->w[j->n++] = GFX_CMD(GFX_OP_SET_CLIP, 0, 3);
	j->w[j->n++] = GFX_PACK(x, y);
	j->w[j->n++] = GFX_PACK(w, h);
}

static inline void job_copy(struct job *j, uint32_t sx, uint32_t sy, uint32_t dx, uint32_t dy,
		     uint32_t w, uint32_t h)
{
	j->w[j->n++] = GFX_CMD(GFX_OP_COPY_RECTS, 0, 4);
	j->w[j->n++] = GFX_PACK(sx, sy);
	j->w[j->n++] = GFX_PACK(dx, dy);
	j->w[j->n++] = GFX_PACK(w, h);
}

static inline int job_submit(int fd, struct job *j, uint32_t out_sync, uint64_t *seqno)
{
	struct drm_gfx_submit s = {
		.cmds = (uintptr_t)j->w, .cmd_words = j->n,
		.bos = (uintptr_t)j->bos, .bo_count = j->nbos,
		.relocs = (uintptr_t)j->rel, .reloc_count = j->nrel,
		.out_sync = out_sync,
	};
	int r = ioc(fd, DRM_IOCTL_GFX_SUBMIT, &s);

	if (!r && seqno)
		*seqno = s.seqno;
	return r;
}

static inline int wait_seq(int fd, uint64_t seqno, int64_t timeout, struct drm_gfx_wait *out)
{
	struct drm_gfx_wait w = { .seqno = seqno, .timeout_ns = vm_drm_now_ns() + timeout };
	int r = ioc(fd, DRM_IOCTL_GFX_WAIT, &w);

	if (out)
		*out = w;
	return r;
}

static inline int wait_bo(int fd, uint32_t handle, int64_t timeout, struct drm_gfx_wait *out)
{
	struct drm_gfx_wait w = { .handle = handle, .flags = DRM_GFX_WAIT_BO,
				  .timeout_ns = vm_drm_now_ns() + timeout };
	int r = ioc(fd, DRM_IOCTL_GFX_WAIT, &w);

	if (out)
		*out = w;
	return r;
}

#endif /* VM_DRM_H */
