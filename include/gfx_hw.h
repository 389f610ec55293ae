/* SPDX-License-Identifier: MIT */
/*
 * gfx_hw.h - the reference GPU's hardware interface.
 *
 * The single source of truth for register offsets, interrupt bits and
 * command encoding. Included by the kernel stub (Kbuild), libgfx and
 * gfx-device, so it must stay free of libc. docs/hardware.md explains it.
 *
 * BAR2 layout (version 2): the register area, one page per hardware
 * context (GFX_CTX_PAGE(n); context 0 is the master), then VRAM from
 * GFX_VRAM_START. All VRAM offsets in registers and commands are BAR2
 * offsets; any surface touching the register area is rejected. Each client
 * context is confined to a fixed VRAM window its page declares.
 * Everything is little-endian.
 */
#ifndef GFX_HW_H
#define GFX_HW_H

#include <linux/types.h>

#define GFX_MAGIC		0x31584647u	/* "GFX1" in memory */
#define GFX_VERSION_MAJOR	2
#define GFX_VERSION_MINOR	0
#define GFX_VERSION		((GFX_VERSION_MAJOR << 16) | GFX_VERSION_MINOR)

/*
 * Hardware contexts. Context 0, the master, addresses all of VRAM and alone
 * may flip, wait for vblank and reset other contexts; client contexts
 * 1 .. CONTEXT_COUNT-1 each have their own register page, engine state,
 * interrupt vector and a fixed VRAM window. A device has at most
 * GFX_MAX_CONTEXTS; the register area is sized for that many.
 */
#define GFX_REG_PAGE_SIZE	4096u
#define GFX_MAX_CONTEXTS	16u
#define GFX_MASTER_CONTEXT	0u
#define GFX_CTX_PAGE(ctx)	((__u32)(ctx) * GFX_REG_PAGE_SIZE)	/* BAR2 offset */
#define GFX_REG_AREA_SIZE	(GFX_MAX_CONTEXTS * GFX_REG_PAGE_SIZE)
#define GFX_VRAM_START		GFX_REG_AREA_SIZE

/*
 * Limits. A surface (or flip buffer) is at most GFX_MAX_SURFACE_SIDE pixels
 * wide and high, with a stride of at most GFX_MAX_STRIDE bytes. A command
 * is at most MAX_CMD_WORDS long (register 0x03c, header included); this
 * device publishes GFX_MAX_CMD_WORDS there, and no device publishes more.
 * GFX_PITCH_ALIGN is not a device rule (strides need only be multiples of
 * 4) but the drivers' common choice: rows start on a 64-byte cache line.
 */
#define GFX_MAX_SURFACE_SIDE	16384u
#define GFX_MAX_STRIDE		(1u << 20)
#define GFX_MAX_CMD_WORDS	4096u
#define GFX_PITCH_ALIGN		64u

/* ---- ivshmem BAR0 (QEMU docs/specs/ivshmem-spec.rst) ---- */
#define IVSHMEM_REG_INTR_MASK	0x00
#define IVSHMEM_REG_INTR_STATUS	0x04
#define IVSHMEM_REG_IV_POSITION	0x08
#define IVSHMEM_REG_DOORBELL	0x0c
#define IVSHMEM_BAR0_SIZE	256
#define IVSHMEM_DOORBELL(peer, vector) (((__u32)(peer) << 16) | (vector))

/*
 * Interrupt vectors: one per context, both ways. The device interrupts
 * context n's driver on vector n; a doorbell on vector n asks the device to
 * look at context n's registers. The master's are vector 0.
 */
#define GFX_CTX_VECTOR(ctx)	(ctx)
#define GFX_VECTOR_IRQ		GFX_CTX_VECTOR(GFX_MASTER_CONTEXT)
#define GFX_VECTOR_KICK		GFX_CTX_VECTOR(GFX_MASTER_CONTEXT)

/* ---- Register page: identity (device writes once, read-only) ---- */
#define GFX_REG_MAGIC		0x000	/* u32 GFX_MAGIC */
#define GFX_REG_VERSION		0x004	/* u32 major << 16 | minor */
#define GFX_REG_VRAM_SIZE	0x008	/* u64 size of BAR2, register page included */
#define GFX_REG_CAPS		0x010	/* u32 GFX_CAP_* */
#define GFX_REG_FORMAT_COUNT	0x014	/* u32 entries used in FORMATS */
#define GFX_REG_FORMATS		0x018	/* u32[GFX_MAX_FORMATS] DRM fourcc */
#define GFX_MAX_FORMATS		8
#define GFX_REG_DEVICE_PEER	0x038	/* u32 ivshmem peer id to ring */
#define GFX_REG_MAX_CMD_WORDS	0x03c	/* u32 longest command accepted */
#define GFX_REG_MODE_WIDTH	0x040	/* u32 pixels */
#define GFX_REG_MODE_HEIGHT	0x044	/* u32 lines */
#define GFX_REG_MODE_REFRESH	0x048	/* u32 refresh rate in mHz */
#define GFX_REG_CONTEXT_ID	0x04c	/* u32 the context this page belongs to, 0 = master */
#define GFX_REG_CONTEXT_COUNT	0x050	/* u32 contexts (and interrupt vectors) of the device */
#define GFX_REG_WINDOW_OFFSET	0x054	/* u32 BAR2 offset of this context's VRAM window */
#define GFX_REG_WINDOW_SIZE	0x058	/* u32 its size in bytes (the master's: all VRAM) */

#define GFX_CAP_BILINEAR	(1u << 0)
#define GFX_CAP_FORMAT_CONVERT	(1u << 1)
#define GFX_CAP_FLIP_LOG	(1u << 2)

/* ---- Register page: driver-owned control ---- */
#define GFX_REG_CONTROL		0x080	/* u32 GFX_CTRL_* */
#define GFX_REG_IRQ_ENABLE	0x084	/* u32 GFX_IRQ_* mask */
#define GFX_REG_IRQ_MASTER	0x088	/* u32 1 = interrupts on (UIO irqcontrol) */
#define GFX_REG_RING_BASE	0x090	/* u32 VRAM offset, 4 KiB aligned */
#define GFX_REG_RING_SIZE	0x094	/* u32 bytes, power of two, >= 4 KiB */
#define GFX_REG_RING_TAIL	0x098	/* u32 byte offset < RING_SIZE, driver */
#define GFX_REG_CTX_RESET	0x09c	/* u32 master page only: bit n resets context n */

/*
 * CONTROL is read by the device at every doorbell. RESET and SKIP are
 * requests: the driver sets them and rings, the device clears them when done.
 */
#define GFX_CTRL_RING_ENABLE	(1u << 0)
#define GFX_CTRL_RESET		(1u << 1)	/* stop, drop the ring, clear error */
#define GFX_CTRL_SKIP		(1u << 2)	/* skip the failed command, resume */

/* ---- Register page: device-owned status ---- */
#define GFX_REG_STATUS		0x0c0	/* u32 GFX_STATUS_* */
#define GFX_REG_IRQ_CAUSE	0x0c4	/* u32 device atomic OR, driver atomic xchg */
#define GFX_REG_ERROR_CODE	0x0c8	/* u32 GFX_ERR_* of the stopped command */
#define GFX_REG_ERROR_OFFSET	0x0cc	/* u32 ring byte offset of its header */
#define GFX_REG_ERROR_COUNT	0x0d0	/* u32 monotonic */
#define GFX_REG_RESET_COUNT	0x0d4	/* u32 monotonic */
#define GFX_REG_FENCE_DONE	0x0d8	/* u64 last completed fence seqno */
#define GFX_REG_VBLANK_SEQ	0x0e0	/* u64 vblanks since device start */
#define GFX_REG_FLIP_COUNT	0x0e8	/* u64 flips latched since device start */
#define GFX_REG_RING_HEAD	0x0f0	/* u32 byte offset of next command */
#define GFX_REG_SCANOUT_OFFSET	0x0f4	/* u32 latched scanout, 0 = none */
#define GFX_REG_SCANOUT_STRIDE	0x0f8	/* u32 */
#define GFX_REG_SCANOUT_FORMAT	0x0fc	/* u32 fourcc */
/* VBLANK_SEQ .. SCANOUT_*, the logs and the input FIFO: master page only, 0 elsewhere. */

#define GFX_STATUS_RING_RUNNING	(1u << 0)
#define GFX_STATUS_RING_ERROR	(1u << 1)	/* stopped at ERROR_OFFSET */
#define GFX_STATUS_IDLE		(1u << 2)	/* head == tail, nothing pending */
#define GFX_STATUS_FLIP_PENDING	(1u << 3)

/*
 * Logs of the last 16 vblanks and flips. Entry n % 16 is written completely
 * before VBLANK_SEQ / FLIP_COUNT is raised to n (release order), so a reader
 * that loads the counter (acquire), then the entry, then checks entry.seq,
 * gets a consistent record without locks.
 */
#define GFX_LOG_ENTRIES		16
#define GFX_REG_VBLANK_LOG	0x100	/* struct gfx_vblank_entry[16] */
#define GFX_REG_FLIP_LOG	0x200	/* struct gfx_flip_entry[16] */

struct gfx_vblank_entry {
	__u64 seq;
	__u64 time_ns;		/* device CLOCK_MONOTONIC */
};

struct gfx_flip_entry {
	__u64 count;		/* FLIP_COUNT value of this flip */
	__u64 vblank_seq;	/* vblank at which it was latched */
	__u64 time_ns;		/* that vblank's timestamp */
	__u64 user_data;	/* from the FLIP command */
};

/*
 * Input FIFO: the device's own keyboard/pointer (its window, or gfx-ctl),
 * as evdev events (linux/input-event-codes.h). Entry n % 128 holds event n;
 * written before INPUT_COUNT is raised to n + 1. Pointer motion is EV_ABS
 * ABS_X/ABS_Y in mode pixels; every batch ends with EV_SYN SYN_REPORT.
 */
#define GFX_INPUT_ENTRIES	128
#define GFX_REG_INPUT_COUNT	0x400	/* u64 events written since start */
#define GFX_REG_INPUT_LOG	0x800	/* struct gfx_input_entry[128] */

struct gfx_input_entry {
	__u64 count;		/* INPUT_COUNT after this event */
	__u16 type;
	__u16 code;
	__s32 value;
};

/*
 * The context table, in the master page only: each context's window and a
 * mirror of its progress, so the master (the compositor) learns a client's
 * completed fence and faults with plain loads. The device writes an entry's
 * fence_done right after that context's own FENCE_DONE.
 */
#define GFX_REG_CTX_TABLE	0x600	/* struct gfx_ctx_entry[GFX_MAX_CONTEXTS] */

struct gfx_ctx_entry {
	__u64 fence_done;	/* the context's FENCE_DONE */
	__u32 window_offset;	/* its WINDOW_OFFSET, WINDOW_SIZE */
	__u32 window_size;
	__u32 status;		/* its STATUS */
	__u32 error_code;	/* its ERROR_CODE */
	__u32 error_count;	/* its ERROR_COUNT */
	__u32 reset_count;	/* its RESET_COUNT */
};

/* Interrupt causes (IRQ_CAUSE, IRQ_ENABLE) */
#define GFX_IRQ_VBLANK		(1u << 0)
#define GFX_IRQ_FENCE		(1u << 1)
#define GFX_IRQ_FLIP_DONE	(1u << 2)
#define GFX_IRQ_ERROR		(1u << 3)
#define GFX_IRQ_INPUT		(1u << 4)
#define GFX_IRQ_ALL		0x1fu
#define GFX_IRQ_NUM_CAUSES	5

/* Error codes (ERROR_CODE) */
#define GFX_ERR_NONE		0
#define GFX_ERR_BAD_OPCODE	1	/* unknown opcode */
#define GFX_ERR_BAD_LENGTH	2	/* length 0, wrong for opcode, or past tail */
#define GFX_ERR_SURFACE_OOB	3	/* surface outside VRAM or in register page */
#define GFX_ERR_RECT_OOB	4	/* rectangle outside its surface */
#define GFX_ERR_ZERO_SIZE	5	/* zero width or height */
#define GFX_ERR_BAD_STRIDE	6	/* stride not a multiple of 4 or too small */
#define GFX_ERR_BAD_FORMAT	7	/* fourcc not in FORMATS */
#define GFX_ERR_BAD_RING	8	/* RING_BASE/RING_SIZE/RING_TAIL invalid */
#define GFX_ERR_NO_SURFACE	9	/* drawing before SET_SURFACE */
#define GFX_ERR_BAD_MODE	10	/* FLIP surface size differs from the mode */
#define GFX_ERR_PRIVILEGED	11	/* FLIP or WAIT_VBLANK on a client context */

/* ---- Command ring ----
 *
 * A ring of u32 words at RING_BASE. Commands may wrap: word i of the ring is
 * at RING_BASE + (i * 4 % RING_SIZE). The driver keeps one word free, so
 * head == tail means empty. Header word: opcode | flags << 8 | words << 16,
 * where words counts the header too.
 */
#define GFX_CMD(op, flags, words) \
	((__u32)(op) | ((__u32)(flags) << 8) | ((__u32)(words) << 16))
#define GFX_CMD_OPCODE(hdr)	((hdr) & 0xffu)
#define GFX_CMD_FLAGS(hdr)	(((hdr) >> 8) & 0xffu)
#define GFX_CMD_WORDS(hdr)	((hdr) >> 16)

#define GFX_OP_NOP		0x00	/* any length; payload ignored */
#define GFX_OP_SET_SURFACE	0x01	/* offset, width, height, stride, fourcc */
#define GFX_OP_SET_CLIP		0x02	/* n x (xy, wh); n = 0 turns clipping off */
#define GFX_OP_FILL_RECTS	0x03	/* color, n x (xy, wh) */
#define GFX_OP_COPY_RECTS	0x04	/* n x (src xy, dst xy, wh) */
#define GFX_OP_BLEND_RECTS	0x05	/* alpha, n x (src xy, dst xy, wh) */
#define GFX_OP_STRETCH_BLIT	0x06	/* sx, sy, sw, sh (16.16), dst xy, dst wh, alpha, reserved (0) */
#define GFX_OP_FENCE		0x07	/* seqno lo, seqno hi */
#define GFX_OP_WAIT_VBLANK	0x08	/* no payload */
#define GFX_OP_FLIP		0x09	/* offset, width, height, stride, fourcc, user lo, user hi */
#define GFX_OP_COUNT		0x0a

#define GFX_SET_SURFACE_WORDS	6
#define GFX_STRETCH_BLIT_WORDS	9
#define GFX_FENCE_WORDS		3
#define GFX_WAIT_VBLANK_WORDS	1
#define GFX_FLIP_WORDS		8

/* Flags */
#define GFX_SURFACE_DST		0x0	/* SET_SURFACE: destination slot */
#define GFX_SURFACE_SRC		0x1	/* SET_SURFACE: source slot */
#define GFX_FLAG_OVER		0x1	/* FILL, STRETCH: Porter-Duff OVER, else SRC */
#define GFX_FLAG_BILINEAR	0x2	/* STRETCH: bilinear, else nearest */
#define GFX_FENCE_IRQ		0x1	/* FENCE: raise GFX_IRQ_FENCE */

/* Rectangles pack two u16 per word: low half x (or w), high half y (or h). */
#define GFX_PACK(lo, hi)	(((__u32)(__u16)(lo)) | ((__u32)(__u16)(hi) << 16))
#define GFX_LO(w)		((w) & 0xffffu)
#define GFX_HI(w)		((w) >> 16)

/* Colours are premultiplied ARGB8888; global alpha is 0..255. */

/* DRM fourcc codes (same values as drm_fourcc.h) */
#define GFX_FOURCC(a, b, c, d) \
	((__u32)(a) | ((__u32)(b) << 8) | ((__u32)(c) << 16) | ((__u32)(d) << 24))
#define GFX_FMT_XRGB8888	GFX_FOURCC('X', 'R', '2', '4')
#define GFX_FMT_ARGB8888	GFX_FOURCC('A', 'R', '2', '4')
#define GFX_FMT_XBGR8888	GFX_FOURCC('X', 'B', '2', '4')
#define GFX_FMT_ABGR8888	GFX_FOURCC('A', 'B', '2', '4')
#define GFX_FMT_RGB565		GFX_FOURCC('R', 'G', '1', '6')

/*
 * ---- UIO stub (kernel/uio_gfx.c) ----
 * One UIO device per context: the master's is named GFX_UIO_NAME and maps
 * regs, vram, irq; client context n's is named "uio_gfx.n" and maps regs,
 * ctx, window, irq. Each open is exclusive.
 *
 * Writing a s32 to the node (UIO's irqcontrol): 0 or 1 is the context's
 * interrupt master switch (IRQ_MASTER). On the master's node,
 * GFX_UIO_REVOKE(n) takes client context n back from whoever holds it:
 * every mapping of it is zapped (the next access is a SIGBUS), mmap and
 * irqcontrol on it fail with EACCES, and the context is reset with its
 * interrupts off, until all its holders have closed it; then it is free.
 * Unbinding the stub zaps every context's mappings the same way.
 */
#define GFX_UIO_NAME		"uio_gfx"
#define GFX_UIO_CTX_NAME_FMT	"uio_gfx.%u"	/* a client context's device */
#define GFX_UIO_MAP_REGS	"regs"	/* BAR0 doorbell page */
#define GFX_UIO_MAP_VRAM	"vram"	/* master: BAR2, write-combined */
#define GFX_UIO_MAP_CTX		"ctx"	/* client: its register page, write-combined */
#define GFX_UIO_MAP_WINDOW	"window"	/* client: its VRAM window, write-combined */
#define GFX_UIO_MAP_IRQ		"irq"	/* struct gfx_uio_irq_page, read-only */
#define GFX_UIO_REVOKE_BASE	0x52450000	/* "RE" */
#define GFX_UIO_REVOKE(ctx)	(GFX_UIO_REVOKE_BASE | (ctx))	/* write to the master's node */

/*
 * The page the stub's interrupt handler fills (gfx_drm's user-mode queues
 * have the same, include/gfx_drm.h). Written only in the handler, but for
 * `gone`; `count` is raised last (release), so a reader that sees count n
 * sees the state of interrupt n or later.
 */
struct gfx_uio_irq_page {
	__u64 count;				/* handled interrupts */
	__u64 last_ns;				/* ktime_get_ns() of the last */
	__u32 last_cause;			/* causes taken by the last */
	__u32 gone;				/* gfx_drm: 1 once unbound, then a wake-up */
	__u64 cause_count[GFX_IRQ_NUM_CAUSES];	/* per cause bit */
	__u64 cause_ns[GFX_IRQ_NUM_CAUSES];	/* last time of each */
	__u64 spurious;				/* interrupts with no cause to take */
};

/* ---- Layout checks: log entries, and register ranges that must not overlap ---- */
#if defined(__cplusplus)
#define GFX_STATIC_ASSERT(e) static_assert(e, #e)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define GFX_STATIC_ASSERT(e) _Static_assert(e, #e)
#else
#define GFX_STATIC_ASSERT(e) extern int gfx_static_assert_c99	/* C11 builds check them */
#endif
GFX_STATIC_ASSERT(sizeof(struct gfx_vblank_entry) == 16);
GFX_STATIC_ASSERT(sizeof(struct gfx_flip_entry) == 32);
GFX_STATIC_ASSERT(sizeof(struct gfx_input_entry) == 16);
GFX_STATIC_ASSERT(GFX_REG_FORMATS + 4 * GFX_MAX_FORMATS <= GFX_REG_DEVICE_PEER);
GFX_STATIC_ASSERT(GFX_REG_WINDOW_SIZE + 4 <= GFX_REG_CONTROL);
GFX_STATIC_ASSERT(GFX_REG_CTX_RESET + 4 <= GFX_REG_STATUS);
GFX_STATIC_ASSERT(GFX_REG_SCANOUT_FORMAT + 4 <= GFX_REG_VBLANK_LOG);
GFX_STATIC_ASSERT(GFX_REG_VBLANK_LOG + GFX_LOG_ENTRIES * 16 <= GFX_REG_FLIP_LOG);
GFX_STATIC_ASSERT(GFX_REG_FLIP_LOG + GFX_LOG_ENTRIES * 32 <= GFX_REG_INPUT_COUNT);
GFX_STATIC_ASSERT(GFX_REG_INPUT_COUNT + 8 <= GFX_REG_CTX_TABLE);
GFX_STATIC_ASSERT(sizeof(struct gfx_ctx_entry) == 32);
GFX_STATIC_ASSERT(GFX_REG_CTX_TABLE + GFX_MAX_CONTEXTS * 32 <= GFX_REG_INPUT_LOG);
GFX_STATIC_ASSERT(GFX_REG_INPUT_LOG + GFX_INPUT_ENTRIES * 16 <= GFX_REG_PAGE_SIZE);
GFX_STATIC_ASSERT(GFX_REG_FENCE_DONE % 8 == 0 && GFX_REG_VBLANK_SEQ % 8 == 0 &&
		  GFX_REG_FLIP_COUNT % 8 == 0 && GFX_REG_INPUT_COUNT % 8 == 0);
GFX_STATIC_ASSERT(sizeof(struct gfx_uio_irq_page) <= GFX_REG_PAGE_SIZE);
GFX_STATIC_ASSERT(GFX_MAX_SURFACE_SIDE * 4 <= GFX_MAX_STRIDE);
GFX_STATIC_ASSERT(GFX_MAX_CMD_WORDS < 0x10000);	/* the header's length field */
GFX_STATIC_ASSERT(GFX_MAX_CONTEXTS <= 32);		/* CTX_RESET is a u32 mask */

#endif /* GFX_HW_H */
