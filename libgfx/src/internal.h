/* SPDX-License-Identifier: MIT */
/*
 * internal.h - libgfx's private state and the inline hot paths shared by
 * its source files (register access, ring space, word stores).
 *
 * libgfx has three drivers, each a struct gfx_driver, each in its folder:
 *  - umd/: the user-mode driver of our GPU: the ring in VRAM, the register
 *    page, fences, flips are ours (ring.c, fence.c, display.c, events.c,
 *    clock.c, contexts.c), and a backend (direct, uio; umd/backend.h) only
 *    maps BAR2, rings and waits;
 *  - drm/: through the kernel's gfx_drm: the command words go to a buffer
 *    in our memory that one SUBMIT ioctl hands over; buffers, fences and
 *    flips are the kernel's;
 *  - kms/: any KMS device: the CPU runs the commands with the engine
 *    (engine/) in a buffer of ours, into dumb buffers the kernel scans out.
 * Here, shared by all: the public functions (api.c, commands.c, buffer.c,
 * format.c), the allocator (the umd and kms drivers' "VRAM"), the atomic
 * KMS output of the drm and kms drivers (kms_output.c), the device object
 * and errors at the bottom (device.c), opening by spec at the top (open.c).
 * The command encoders store words at dev->ring[tail]: the ring itself, or
 * the drivers' command buffer.
 */
#ifndef GFX_INTERNAL_H
#define GFX_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "gfx.h"
#include "gfx_hw.h"

#define GFX_EXPORT __attribute__((visibility("default")))
#define GFX_LIKELY(x) __builtin_expect(!!(x), 1)
#define GFX_UNLIKELY(x) __builtin_expect(!!(x), 0)

#define GFX_RING_BYTES		(256u * 1024)
#define GFX_BO_ALIGN		4096u
#define GFX_SPIN_NS		50000	/* > one device wake-up (~25-30 us) */
#define GFX_SPIN_SKIP_MAX	64	/* waits that sleep at once after spins that kept missing */
#define GFX_POLL_SLICE_NS	20000000	/* longest sleep without looking */
#define GFX_RESET_TIMEOUT_NS	2000000000LL
#define GFX_MAX_PENDING_ERRORS	16

/* A free or deferred VRAM range. */
struct gfx_range {
	uint32_t offset, size;
	uint64_t seqno;		/* deferred frees: fence to pass first */
};

/* What libgfx knows of a surface slot, to catch bad arguments early. */
struct gfx_surface_state {
	bool set;
	uint32_t offset, width, height, stride, format;
};

/*
 * The operations that differ between the two ways of driving the GPU. The
 * public functions of the same names (api.c) check nothing more and call
 * these; each returns what its public function documents.
 */
struct gfx_driver {
	void (*close)(struct gfx_device *dev);
	int (*get_info)(struct gfx_device *dev, struct gfx_info *info);
	/*
	 * bo has width, height, stride, format and size; fill offset and map.
	 * Drivers know their buffers by VRAM offset, so a struct gfx_bo the
	 * application made itself names (part of) a buffer just as well.
	 */
	int (*bo_create)(struct gfx_device *dev, struct gfx_bo *bo);
	void (*bo_destroy)(struct gfx_device *dev, struct gfx_bo *bo);
	/*
	 * dma-buf (PRIME); NULL where there is none. Export: the fd and where
	 * bo starts in it. Import: the plane at `offset` of fd's buffer; bo has
	 * its shape, fill offset, size, map and context.
	 */
	int (*bo_export)(struct gfx_device *dev, const struct gfx_bo *bo, int *fd, uint32_t *offset);
	int (*bo_import)(struct gfx_device *dev, int fd, uint32_t offset, struct gfx_bo *bo);
	/* gfx_context_info where it is not the user-mode driver's table (drm); else NULL. */
	int (*context_info)(struct gfx_device *dev, uint32_t ctx, struct gfx_context_info *info);
	int (*emit_surface)(struct gfx_device *dev, uint32_t slot, const struct gfx_surface_state *s);
	/* The slow path of gfx_ring_reserve(): make dev->space >= words. */
	int (*make_space)(struct gfx_device *dev, uint64_t words);
	int (*submit)(struct gfx_device *dev);
	int (*fence)(struct gfx_device *dev, bool irq, uint64_t *seqno);
	bool (*fence_done)(struct gfx_device *dev, uint64_t seqno);
	int (*fence_wait)(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns);
	/* gfx_fence_export: a sync_file for seqno (emitted); NULL without kernel fences. */
	int (*fence_export)(struct gfx_device *dev, uint64_t seqno, int *fd);
	int (*reset)(struct gfx_device *dev);
	/*
	 * Show bo from the next vblank; damage (n rectangles inside bo, checked;
	 * n 0: all) is where it differs from the picture on screen.
	 */
	int (*flip)(struct gfx_device *dev, const struct gfx_bo *bo,
		    const struct gfx_rect *damage, unsigned int n, uint64_t user_data);
	int (*emit_wait_vblank)(struct gfx_device *dev);
	int (*wait_vblank)(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns,
			   int64_t timeout_ns);
	int (*last_vblank)(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns);
	int (*dispatch)(struct gfx_device *dev, gfx_event_handler handler, void *data);
	int (*set_vblank_events)(struct gfx_device *dev, bool on);
	int (*set_input_events)(struct gfx_device *dev, bool on);
	/*
	 * The hardware cursor; both NULL where the display has none. bo is checked
	 * (ARGB8888, dev->cursor_w x cursor_h) or NULL (hide); what was built
	 * runs first. The driver keeps what it needs of the image.
	 */
	int (*cursor_set)(struct gfx_device *dev, const struct gfx_bo *bo, int32_t hot_x,
			  int32_t hot_y);
	int (*cursor_move)(struct gfx_device *dev, int32_t x, int32_t y);
};

extern const struct gfx_driver gfx_umd_driver, gfx_drm_driver, gfx_kms_driver, gfx_virtio_driver;
struct gfx_backend;
struct gfx_drm;
struct gfx_kms;
struct gfx_cpu;
struct gfx_virtio;

#define GFX_CLOCK_SAMPLES	9	/* interrupt samples for the clock offset */

struct gfx_device {
	const struct gfx_driver *drv;
	const char *backend;		/* "direct", "uio", "drm", "kms" or "virtio" */
	struct gfx_backend *be;		/* umd only */
	struct gfx_drm *drm;		/* drm only */
	struct gfx_kms *kms;		/* kms only */
	struct gfx_virtio *virtio;	/* virtio only */
	struct gfx_cpu *cpu;		/* the drivers that draw on the CPU (cpu_exec.h) */
	volatile uint8_t *regs;		/* umd: this context's register page */
	volatile uint8_t *vram;		/* umd: BAR2 at its own offsets (VRAM offset o is vram + o) */
	uint64_t vram_size;

	/* Hardware context (umd; drm: the master, alone) */
	uint32_t context;		/* GFX_MASTER_CONTEXT or a client context */
	uint32_t context_count;
	uint32_t window_offset, window_size;	/* where this context's buffers may lie */
	uint32_t handed_out;		/* master: client contexts acquired and not released */

	/* Identity, read at open */
	uint32_t mode_width, mode_height;
	uint32_t cursor_w, cursor_h;	/* the hardware cursor's image size; 0: none */
	uint32_t format_count;
	uint32_t formats[GFX_MAX_FORMATS];
	uint32_t max_cmd_words;

	/* The clip set last (rectangle words), for drivers that restate it per job. */
	uint32_t *clip;
	uint32_t clip_words;

	/* Ring: all positions in words; tail is local until gfx_submit(). */
	volatile uint32_t *ring;
	uint32_t ring_offset;		/* VRAM offset */
	uint32_t ring_words, ring_mask;
	uint32_t tail;			/* next word to write */
	uint32_t published;		/* tail the device knows */
	uint32_t space;			/* words known free after tail (cached) */

	/* Fences */
	uint64_t last_seqno;		/* last emitted */
	uint64_t last_irq_seqno;	/* last emitted with GFX_FENCE_IRQ */
	uint32_t spin_misses;		/* fence waits in a row whose spin ended in a sleep */
	uint32_t spin_skips;		/* waits left that sleep at once (umd/fence.c) */
	bool unfenced;			/* commands emitted since the last fence */

	struct gfx_surface_state dst, src;

	/* Allocator: free ranges sorted by offset; deferred frees in fence order. */
	struct gfx_range *free_list;
	unsigned int free_n, free_cap;
	struct gfx_range *deferred;
	unsigned int deferred_n, deferred_cap;

	/* Events */
	int event_fd;			/* epoll: backend poll_fd + notify_fd */
	int notify_fd;			/* eventfd: events taken by a wait, not yet dispatched */
	bool notify_pending;		/* notify_fd was written and not read since */
	bool dispatching;		/* gfx_dispatch() takes events in: no notify_fd write */
	uint32_t irq_enable;
	int vblank_refs;
	bool vblank_events, input_events;
	uint64_t seen_flip, seen_vblank, seen_fence, seen_input;
	uint32_t seen_error_count;
	struct { uint32_t code, offset; } errors[GFX_MAX_PENDING_ERRORS];
	unsigned int errors_n;
	bool lost, lost_reported;

	/* Device clock -> local CLOCK_MONOTONIC (clock.c); 0 on the direct backend. */
	int64_t clock_offset;
	int64_t clock_samples[GFX_CLOCK_SAMPLES];
	unsigned int clock_count;

	char err[256];
};

/* ---- registers ---- */

static inline volatile uint32_t *gfx_reg32(struct gfx_device *dev, uint32_t off)
{
	return (volatile uint32_t *)(dev->regs + off);
}

static inline uint32_t gfx_rd32(struct gfx_device *dev, uint32_t off)
{
	return __atomic_load_n((uint32_t *)(dev->regs + off), __ATOMIC_ACQUIRE);
}

static inline uint64_t gfx_rd64(struct gfx_device *dev, uint32_t off)
{
	return __atomic_load_n((uint64_t *)(dev->regs + off), __ATOMIC_ACQUIRE);
}

static inline void gfx_wr32(struct gfx_device *dev, uint32_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(dev->regs + off), v, __ATOMIC_RELEASE);
}

static inline void gfx_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static inline int64_t gfx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- errors, the device object (device.c); opening (open.c) ---- */

int gfx_set_error(struct gfx_device *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gfx_lost(struct gfx_device *dev);
/* Why the last gfx_open() of this thread failed (gfx_last_error(NULL)). */
const char *gfx_open_error(void);
bool gfx_format_supported(struct gfx_device *dev, uint32_t format);
/* A zeroed device for drv, with its clip store; NULL when out of memory. */
struct gfx_device *gfx_device_alloc(const struct gfx_driver *drv, uint32_t max_cmd_words);
void gfx_device_free(struct gfx_device *dev);

/* Open through a backend (umd/umd.c) or gfx_drm (drm/drm_device.c); message in err. */
int gfx_umd_open(struct gfx_backend *be, struct gfx_device **out);
int gfx_drm_open(const char *path, struct gfx_device **out, char *err, size_t err_len);
/* The first gfx_drm card (or render node) as "/dev/dri/...", or -ENOENT. */
int gfx_drm_find(char *path, size_t path_len, bool render);
/* Any other KMS card (kms/kms_device.c): open one, or find the first as "/dev/dri/cardN". */
int gfx_kms_open(const char *path, struct gfx_device **out, char *err, size_t err_len);
int gfx_kms_find(char *path, size_t path_len);
/* QEMU's virtio-gpu (virtio/): path "/dev/uioN" (uio_vgpu), "vfio:BDF", or NULL to find one. */
int gfx_virtio_open(const char *path, struct gfx_device **out, char *err, size_t err_len);
/* A virtio-gpu to open: bound to the uio_vgpu stub, or to vfio-pci. 0 if there is one. */
int gfx_virtio_find(void);

/* ---- ring (ring.c) ---- */

int gfx_ring_init(struct gfx_device *dev);
int gfx_ring_wait_space(struct gfx_device *dev, uint64_t words);
void gfx_ring_restart(struct gfx_device *dev);
int umd_submit(struct gfx_device *dev);

/*
 * Make room for `words` consecutive words after the tail. The fast path is
 * a compare with the cached free space; GFX_FENCE_WORDS stay in reserve so
 * backpressure can always emit the fence it waits on.
 */
static inline int gfx_ring_reserve(struct gfx_device *dev, uint32_t words)
{
	/* 64-bit: a raw command's length plus the fence reserve must not wrap. */
	if (GFX_LIKELY(dev->space >= (uint64_t)words + GFX_FENCE_WORDS))
		return 0;
	return dev->drv->make_space(dev, (uint64_t)words + GFX_FENCE_WORDS);
}

/* Store word i of the command starting at the tail (word-modulo wrap). */
static inline void gfx_ring_put(struct gfx_device *dev, uint32_t i, uint32_t v)
{
	dev->ring[(dev->tail + i) & dev->ring_mask] = v;
}

static inline void gfx_ring_advance(struct gfx_device *dev, uint32_t words)
{
	dev->tail = (dev->tail + words) & dev->ring_mask;
	dev->space -= words;
	dev->unfenced = true;
}

/* ---- fences (fence.c) ---- */

uint64_t gfx_emit_fence(struct gfx_device *dev, bool irq);
int gfx_check_ring_error(struct gfx_device *dev);
int gfx_wait_irq(struct gfx_device *dev, int64_t deadline_ns);
int umd_fence(struct gfx_device *dev, bool irq, uint64_t *seqno);
bool umd_fence_done(struct gfx_device *dev, uint64_t seqno);
int umd_fence_wait(struct gfx_device *dev, uint64_t seqno, int64_t timeout_ns);
int umd_reset(struct gfx_device *dev);

/* ---- display (display.c) ---- */

int umd_flip(struct gfx_device *dev, const struct gfx_bo *bo, const struct gfx_rect *damage,
	     unsigned int n, uint64_t user_data);
int umd_emit_wait_vblank(struct gfx_device *dev);
int umd_wait_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns, int64_t timeout_ns);
int umd_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns);

/* ---- allocator (allocator.c) ---- */

int gfx_alloc_init(struct gfx_device *dev, uint32_t start, uint64_t end);
/* Take [offset, offset + size) out of the free list (the master: the client windows). */
void gfx_alloc_exclude(struct gfx_device *dev, uint32_t offset, uint32_t size);
void gfx_alloc_fini(struct gfx_device *dev);
int gfx_alloc(struct gfx_device *dev, uint32_t size, uint32_t *offset);
void gfx_free_after(struct gfx_device *dev, uint32_t offset, uint32_t size, uint64_t seqno);
void gfx_alloc_reclaim(struct gfx_device *dev);
uint64_t gfx_alloc_free_bytes(struct gfx_device *dev);

/* ---- events (events.c) ---- */

void gfx_irq_update(struct gfx_device *dev);
void gfx_note_causes(struct gfx_device *dev, uint32_t causes);
void gfx_clock_sample(struct gfx_device *dev, uint32_t causes, uint64_t irq_ns);
uint64_t gfx_local_ns(const struct gfx_device *dev, uint64_t device_ns);
void gfx_read_last_vblank(struct gfx_device *dev, uint64_t *seq, uint64_t *time_ns);
int gfx_events_init(struct gfx_device *dev);
int umd_dispatch(struct gfx_device *dev, gfx_event_handler handler, void *data);
int umd_set_vblank_events(struct gfx_device *dev, bool on);
int umd_set_input_events(struct gfx_device *dev, bool on);

/* ---- buffers (buffer.c) ---- */

int umd_bo_create(struct gfx_device *dev, struct gfx_bo *bo);
void umd_bo_destroy(struct gfx_device *dev, struct gfx_bo *bo);

/* ---- commands (commands.c) ---- */

/* SET_SURFACE with the VRAM offset in the command (umd). */
int gfx_emit_surface(struct gfx_device *dev, uint32_t slot, const struct gfx_surface_state *s);
/* 0 if the shape (or bo) is a surface the device accepts, else -EINVAL with the reason. */
int gfx_check_surface(struct gfx_device *dev, uint32_t width, uint32_t height, uint32_t stride,
		      uint32_t format);
int gfx_check_bo(struct gfx_device *dev, const struct gfx_bo *bo);

#endif /* GFX_INTERNAL_H */
