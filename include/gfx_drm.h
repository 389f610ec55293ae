/* SPDX-License-Identifier: MIT */
/*
 * gfx_drm.h - the uapi of gfx_drm, the in-kernel DRM/KMS driver for the
 * reference GPU (kernel/gfx_drm_*.c). docs/drm.md explains it.
 *
 * The driver offers KMS (one CRTC, one primary plane, one connector with the
 * device's fixed mode), GEM objects in VRAM, PRIME, syncobjs, and these
 * driver ioctls, all allowed on the render node:
 *
 *   GET_PARAM  the device's identity, formats, limits and counters
 *   BO_CREATE  a GEM object of `size` bytes in VRAM
 *   BO_INFO    size, VRAM offset and mmap offset of a handle (also imported ones)
 *   SUBMIT     a command stream in the gfx_hw.h encoding, validated, relocated
 *              and copied into the kernel's ring, followed by the kernel's fence
 *   WAIT       wait for a job's seqno or for every job using a buffer
 *   USERQ_CREATE, USERQ_DESTROY  a user-mode queue: one of the GPU's client
 *              contexts for this file, driven from user space (below)
 *   USERQ_SIGNAL  a dma_fence for the queue's work, in a syncobj (below)
 *
 * A read-only fence page (DRM_GFX_PARAM_FENCE_PAGE) tells without an ioctl
 * which jobs are done; SUBMIT's out_sync syncobj exports a sync_file
 * (DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD with DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE).
 *
 * Submission. The stream may hold NOP, SET_SURFACE, SET_CLIP, FILL_RECTS,
 * COPY_RECTS, BLEND_RECTS and STRETCH_BLIT. FENCE, WAIT_VBLANK, FLIP and
 * unknown opcodes are refused (-EINVAL): the kernel owns the ring, the fences
 * and the display. Each SET_SURFACE needs exactly one relocation naming the
 * buffer (an index into `bos`); its offset word is then a byte offset inside
 * that buffer, and the kernel checks that the surface lies inside the buffer
 * before it writes the real VRAM offset into its copy. Drawing needs a
 * surface set earlier in the same job (DST, and SRC for copy, blend and
 * stretch), and the clip is off when a job starts: no engine state crosses
 * from one job (or one client) to the next. Lengths and rectangles are
 * checked by the device; a command it rejects is skipped and the job's fence
 * carries -EIO, with the code and the command's word index given by WAIT.
 *
 * This header is libc-free: the kernel includes it, and user space includes
 * it with libdrm's include path (pkg-config --cflags libdrm) for drm.h.
 */
#ifndef GFX_DRM_H
#define GFX_DRM_H

#ifdef __KERNEL__
#include <drm/drm.h>
#else
#include "drm.h"
#endif

#if defined(__cplusplus)
extern "C" {
#endif

#define GFX_DRM_NAME		"gfx_drm"

#define DRM_GFX_GET_PARAM	0x00
#define DRM_GFX_BO_CREATE	0x01
#define DRM_GFX_BO_INFO		0x02
#define DRM_GFX_SUBMIT		0x03
#define DRM_GFX_WAIT		0x04
#define DRM_GFX_USERQ_CREATE	0x05
#define DRM_GFX_USERQ_DESTROY	0x06
#define DRM_GFX_USERQ_SIGNAL	0x07

#define DRM_IOCTL_GFX_GET_PARAM	DRM_IOWR(DRM_COMMAND_BASE + DRM_GFX_GET_PARAM, struct drm_gfx_get_param)
#define DRM_IOCTL_GFX_BO_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_GFX_BO_CREATE, struct drm_gfx_bo_create)
#define DRM_IOCTL_GFX_BO_INFO	DRM_IOWR(DRM_COMMAND_BASE + DRM_GFX_BO_INFO, struct drm_gfx_bo_info)
#define DRM_IOCTL_GFX_SUBMIT	DRM_IOWR(DRM_COMMAND_BASE + DRM_GFX_SUBMIT, struct drm_gfx_submit)
#define DRM_IOCTL_GFX_WAIT	DRM_IOWR(DRM_COMMAND_BASE + DRM_GFX_WAIT, struct drm_gfx_wait)
#define DRM_IOCTL_GFX_USERQ_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_GFX_USERQ_CREATE, struct drm_gfx_userq_create)
#define DRM_IOCTL_GFX_USERQ_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_GFX_USERQ_DESTROY, struct drm_gfx_userq_destroy)
#define DRM_IOCTL_GFX_USERQ_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + DRM_GFX_USERQ_SIGNAL, struct drm_gfx_userq_signal)

/* ---- GET_PARAM ---- */

enum drm_gfx_param {
	DRM_GFX_PARAM_VERSION = 0,	/* GFX_REG_VERSION: major << 16 | minor */
	DRM_GFX_PARAM_CAPS,		/* GFX_CAP_* */
	DRM_GFX_PARAM_VRAM_SIZE,	/* bytes of BAR2, register page included */
	DRM_GFX_PARAM_VRAM_FREE,	/* bytes the allocator can still give */
	DRM_GFX_PARAM_FORMAT_COUNT,	/* entries of DRM_GFX_PARAM_FORMAT */
	DRM_GFX_PARAM_FORMAT,		/* DRM fourcc number `index` */
	DRM_GFX_PARAM_MAX_CMD_WORDS,	/* longest command the device accepts */
	DRM_GFX_PARAM_MAX_SUBMIT_WORDS,	/* longest stream one SUBMIT takes */
	DRM_GFX_PARAM_MODE_WIDTH,	/* the display mode */
	DRM_GFX_PARAM_MODE_HEIGHT,
	DRM_GFX_PARAM_MODE_REFRESH,	/* mHz */
	DRM_GFX_PARAM_SEQNO_SUBMITTED,	/* newest job seqno handed out */
	DRM_GFX_PARAM_SEQNO_DONE,	/* newest job seqno completed */
	DRM_GFX_PARAM_ERROR_COUNT,	/* commands the device rejected */
	DRM_GFX_PARAM_HANG_COUNT,	/* engine resets after a hang */
	DRM_GFX_PARAM_FENCE_PAGE,	/* mmap offset of struct drm_gfx_fence_page */
	DRM_GFX_PARAM_USERQ_COUNT,	/* client contexts USERQ_CREATE can give (0: none) */
	DRM_GFX_PARAM_CONTEXT_FENCE,	/* client context `index`'s completed fence (FENCE_DONE) */
	DRM_GFX_PARAM_COUNT
};

/*
 * The fence page: one page the kernel writes as it signals jobs, mapped
 * read-only (PROT_READ, MAP_SHARED) at DRM_GFX_PARAM_FENCE_PAGE on the fd,
 * so that a process learns a job is done without a system call. It says
 * what the kernel has seen: a job done while its interrupt was off (the
 * kernel asks for fence interrupts only while someone waits) shows here
 * once a WAIT, a flip or the hangcheck found it. errors is written before
 * seqno_done: read seqno_done (acquire), then errors; if errors moved since
 * the last look, a WAIT says whether the failed job was yours. The page
 * stays readable after the device is unbound, with every job signalled
 * and the dropped ones counted in errors.
 */
struct drm_gfx_fence_page {
	__u64 seqno_done;	/* newest job seqno signalled, in ring order */
	__u64 errors;		/* jobs signalled with an error, of any file */
};

struct drm_gfx_get_param {
	__u32 param;		/* in: enum drm_gfx_param */
	__u32 index;		/* in: for DRM_GFX_PARAM_FORMAT, else 0 */
	__u64 value;		/* out */
};

/* ---- BO_CREATE, BO_INFO ---- */

struct drm_gfx_bo_create {
	__u64 size;		/* in: bytes; out: rounded up to whole pages */
	__u32 flags;		/* in: 0 */
	__u32 handle;		/* out: GEM handle */
	__u64 offset;		/* out: VRAM offset; objects never move */
};

struct drm_gfx_bo_info {
	__u32 handle;		/* in */
	__u32 context;		/* in: 0; out: the client context whose queue window it is, else 0 */
	__u64 size;		/* out: bytes */
	__u64 offset;		/* out: VRAM offset */
	__u64 mmap_offset;	/* out: for mmap() on the DRM fd (write-combined) */
};

/* ---- SUBMIT ---- */

/* The SET_SURFACE whose header is word `cmd_word` of the stream uses buffer bos[bo_index]. */
struct drm_gfx_reloc {
	__u32 cmd_word;
	__u32 bo_index;
};

/* flags */
#define DRM_GFX_SUBMIT_FLAGS	0u	/* none defined yet; others are -EINVAL */

struct drm_gfx_submit {
	__u64 cmds;		/* in: user pointer to __u32[cmd_words] */
	__u64 bos;		/* in: user pointer to __u32 handles[bo_count] */
	__u64 relocs;		/* in: user pointer to struct drm_gfx_reloc[reloc_count], by cmd_word ascending */
	__u32 cmd_words;	/* in: 1 .. DRM_GFX_PARAM_MAX_SUBMIT_WORDS */
	__u32 bo_count;		/* in: at most DRM_GFX_MAX_BOS */
	__u32 reloc_count;	/* in */
	__u32 flags;		/* in: DRM_GFX_SUBMIT_* */
	__u32 out_sync;		/* in: syncobj that gets the job's fence, 0 for none */
	__u32 pad;		/* in: 0 */
	__u64 seqno;		/* out: the job's seqno, for WAIT */
};

#define DRM_GFX_MAX_BOS		1024

/* ---- WAIT ---- */

/* flags */
#define DRM_GFX_WAIT_BO		(1u << 0)	/* wait for every job using `handle`, not for `seqno` */

struct drm_gfx_wait {
	__u64 seqno;		/* in: a seqno from SUBMIT */
	__s64 timeout_ns;	/* in: absolute CLOCK_MONOTONIC deadline; 0 polls */
	__u32 handle;		/* in: with DRM_GFX_WAIT_BO */
	__u32 flags;		/* in: DRM_GFX_WAIT_* */
	/*
	 * out: when the job ran into a command the device rejected, its
	 * GFX_ERR_* code and the word index of that command in the job's
	 * stream; DRM_GFX_ERR_HANG when the job was dropped by a hang reset;
	 * 0 otherwise. Given for this file's own jobs.
	 */
	__u32 error_code;
	__u32 error_word;
};

/*
 * WAIT returns 0 when the job (or every job on the buffer) completed cleanly,
 * -EIO when it completed with an error (see error_code), -ETIMEDOUT when the
 * deadline passed first, -EINVAL for a seqno never handed out.
 */
#define DRM_GFX_ERR_HANG	0x100	/* not a device code: the kernel reset a hung engine */

/*
 * ---- USERQ_CREATE, USERQ_DESTROY: user-mode queues ----
 *
 * A file (a render node's too) takes one of the GPU's client contexts for
 * itself, as amdgpu's DRM_IOCTL_AMDGPU_USERQ gives a process a queue: it
 * then feeds its own ring with plain stores and a doorbell, and the device
 * confines it to its VRAM window (gfx_hw.h, "Hardware contexts"). The
 * kernel keeps the rest: it resets the context and clears its window before
 * handing it out, takes the window out of GEM's allocator while the queue
 * lives, and takes it all back on USERQ_DESTROY, on the file's close and on
 * unbind (every mapping is zapped: the next access is a SIGBUS, but for the
 * irq page, which stays readable).
 *
 * Mapped on the DRM fd at mmap_offset + DRM_GFX_USERQ_MAP_* pages, MAP_SHARED,
 * nothing else in the queue's range:
 *   DOORBELL  the device's doorbell page (uncached); the register is at
 *             doorbell_offset in it, rung with IVSHMEM_DOORBELL(DEVICE_PEER,
 *             context) (gfx_hw.h)
 *   REGS      the context's register page (write-combined)
 *   IRQ       struct gfx_uio_irq_page, read-only: the kernel's handler of
 *             the context's MSI-X vector takes IRQ_CAUSE and counts there,
 *             as uio_gfx's does, then signals `eventfd` (one count per
 *             interrupt); on unbind `gone` turns 1, with one more signal
 *   WINDOW    the context's VRAM window, window_size bytes (write-combined)
 * Its VRAM addresses are BAR2 offsets, window_offset .. + window_size.
 * One queue per file; -EBUSY if the file has one, -ENOSPC when no client
 * context is free or GEM objects occupy every free one's window.
 *
 * The window is also a GEM object (window_handle; BO_INFO gives its
 * context), so that the queue's buffers reach other processes as any
 * buffer does: exported as a dma-buf (PRIME), a plane at an offset in it,
 * and named in their SUBMITs' relocations. The object outlives the queue
 * while anyone holds it, and the context is handed out again only once it
 * is gone. Whether the queue's work on a buffer is done: the context's
 * FENCE_DONE, which any file reads with GET_PARAM CONTEXT_FENCE (fence
 * seqnos are the queue's own, from its FENCE commands), or a dma_fence
 * from USERQ_SIGNAL.
 */
#define DRM_GFX_USERQ_MAP_DOORBELL	0
#define DRM_GFX_USERQ_MAP_REGS		1
#define DRM_GFX_USERQ_MAP_IRQ		2
#define DRM_GFX_USERQ_MAP_WINDOW	16

struct drm_gfx_userq_create {
	__s32 eventfd;		/* in: an eventfd the context's interrupts signal */
	__u32 flags;		/* in: 0 */
	__u32 context;		/* out: the client context, 1 .. CONTEXT_COUNT - 1 */
	__u32 doorbell_offset;	/* out: of the doorbell register in the DOORBELL page */
	__u32 window_offset;	/* out: its VRAM window (BAR2 offsets) */
	__u32 window_size;
	__u64 mmap_offset;	/* out: where its maps start on the DRM fd */
	__u32 window_handle;	/* out: a GEM handle of the window (see below) */
	__u32 pad;		/* in: 0 */
};

struct drm_gfx_userq_destroy {
	__u32 context;		/* in: the file's queue */
	__u32 pad;		/* in: 0 */
};

/*
 * USERQ_SIGNAL: the queue's work up to its FENCE `seqno` as a dma_fence,
 * put into syncobj `out_sync` (replacing its fence), for waiters in other
 * processes and in the kernel: a sync_file from
 * DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, a syncobj wait, a KMS IN_FENCE_FD. As
 * amdgpu's USERQ_SIGNAL, it is asked for after the FENCE is in the ring
 * and the doorbell rung.
 *
 * The fence signals once the context's FENCE_DONE reaches `seqno`. The
 * kernel looks at every interrupt of the context: give that FENCE
 * GFX_FENCE_IRQ and keep GFX_IRQ_FENCE in IRQ_ENABLE. Without them it is
 * noticed within DRM_GFX_USERQ_FENCE_POLL_MS. A fence not reached
 * DRM_GFX_USERQ_FENCE_TIMEOUT_MS after its USERQ_SIGNAL is a hang: the
 * queue is taken back as by USERQ_DESTROY (the maps fault) and its
 * unreached fences signal with -ETIMEDOUT. The queue's end signals the
 * unreached ones with -ECANCELED (USERQ_DESTROY, the file's close) or
 * -ENODEV (unbind), once the context is stopped.
 *
 * Seqnos only go up on a queue: a `seqno` below an earlier USERQ_SIGNAL's
 * is -EINVAL. FENCE_DONE survives the context's reset, so a new owner's
 * seqnos go on from it (GET_PARAM CONTEXT_FENCE), as libgfx's do: a fence
 * for a seqno at or below it signals at once. -ENOENT: no such queue on this file (or it was taken back)
 * or no such syncobj; -EBUSY: DRM_GFX_USERQ_MAX_FENCES are unsignalled.
 */
#define DRM_GFX_USERQ_FENCE_POLL_MS	100
#define DRM_GFX_USERQ_FENCE_TIMEOUT_MS	5000
#define DRM_GFX_USERQ_MAX_FENCES	1024

struct drm_gfx_userq_signal {
	__u64 seqno;		/* in: of the queue's own FENCE commands */
	__u32 context;		/* in: the file's queue */
	__u32 out_sync;		/* in: the syncobj that gets the fence */
	__u32 flags;		/* in: 0 */
	__u32 pad;		/* in: 0 */
};

#if defined(__cplusplus)
}
#endif

#endif /* GFX_DRM_H */
