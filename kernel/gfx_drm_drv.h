/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gfx_drm - the DRM/KMS driver for the reference GPU: private declarations.
 *
 *   gfx_drm_drv.c     PCI binding, the interrupt, GET_PARAM, files
 *   gfx_drm_gem.c     GEM objects in VRAM (drm_mm), mmap, dumb buffers, clears
 *   gfx_drm_ring.c    the ring, jobs, errors, hangcheck and reset
 *   gfx_drm_fence.c   job fences: ops, the fence interrupt on demand, the fence page
 *   gfx_drm_submit.c  SUBMIT (copy, validate, relocate) and WAIT
 *   gfx_drm_userq.c   user-mode queues: client contexts given to files
 *   gfx_drm_userq_fence.c  dma_fences for a queue's work (USERQ_SIGNAL)
 *   gfx_drm_kms.c     CRTC, plane, encoder, connector; flips through the ring
 *
 * docs/drm.md explains the design; include/gfx_drm.h is the uapi.
 *
 * Locks, outermost first (lockdep checks this order in the debug kernel):
 *
 *   userq_lock   (mutex: user-mode queues made and taken back; gfx_drm_userq.c
 *                and gfx_drm_userq_fence.c have the locks under it)
 *   dma_resv of a job's buffers  (ww_mutex; SUBMIT, the clear of a new buffer)
 *     ring_lock   (mutex: writers of the ring, only through gfx_ring_begin/end,
 *                 and the hang recovery)
 *       lock      (spinlock, irq-safe: jobs, flips, errors; the interrupt)
 *         a job's fence_lock  (dma_fence_signal, under lock)
 *   mm_lock      (mutex: VRAM allocation; never with ring_lock or lock held)
 *   irq_lock     (spinlock, irq-safe: IRQ_ENABLE; innermost: taken under DRM's
 *                vbl_lock, under lock, and under a job's fence_lock)
 *
 * DRM's event and vblank locks are never taken under lock: gfx_poll()
 * collects a completed flip under lock and sends its event after.
 */
#ifndef GFX_DRM_DRV_H
#define GFX_DRM_DRV_H

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_gem.h>
#include <drm/drm_mm.h>
#include <drm/drm_plane.h>
#include <linux/pci.h>
#include <gfx_hw.h>
#include <gfx_drm.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)	/* vm_flags is read-only since */
#define vm_flags_mod(vma, set, clear) ((vma)->vm_flags = ((vma)->vm_flags | (set)) & ~(clear))
#endif

#define GFX_RING_SIZE		SZ_256K
/* A quarter of the ring, so that several jobs can be queued. */
#define GFX_MAX_SUBMIT_WORDS	(GFX_RING_SIZE / 16)
#define GFX_FILE_ERRORS		16		/* failed jobs a file remembers */
#define GFX_HANGCHECK		HZ		/* no progress for this long: reset */
#define GFX_RETIRE_DELAY	(HZ / 20)	/* batch the puts of signalled jobs */
/* The fence page's mmap offset, in pages: below where GEM's fake offsets start. */
#define GFX_FENCE_PAGE_PGOFF	1
/*
 * User-mode queues' maps on the DRM fd (gfx_drm_userq.c, gfx_drm.h): client
 * context n's range starts at n * 256 MiB of offset, below GEM's offsets;
 * its window must fit in it after the first maps.
 */
#define GFX_USERQ_PGOFF_SHIFT	(28 - PAGE_SHIFT)
#define GFX_USERQ_PGOFF(id)	((unsigned long)(id) << GFX_USERQ_PGOFF_SHIFT)
#define GFX_USERQ_SPAN		SZ_256M
/* Vblanks per window of the clock filter: 2 s at 60 Hz, so drift is followed. */
#define GFX_CLOCK_WINDOW	128
/* A job in the ring: SET_CLIP n=0, the user's words, its FENCE. */
#define GFX_JOB_WORDS(words)	(1 + (words) + GFX_FENCE_WORDS)

struct gfx_bo {
	struct drm_gem_object base;
	struct drm_mm_node node;	/* its VRAM: BAR2 offset node.start */
	u32 context;			/* a user-mode queue's window: its context; else 0 */
	/*
	 * Deferred puts of references the display held (gfx_bo_put_later):
	 * the node is on put_list while puts > 0, so a buffer that leaves the
	 * screen again before gfx_retire() ran is counted, not queued twice.
	 */
	struct llist_node put;
	atomic_t puts;
};

static inline struct gfx_bo *to_gfx_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct gfx_bo, base);
}

struct gfx_userq;

/* An open file's memory of its failed jobs, for a WAIT after they retired. */
struct gfx_file {
	struct kref ref;		/* the file and each of its unretired jobs */
	struct gfx_userq *userq;	/* its user-mode queue, under gfx_dev.userq_lock */
	unsigned int next;
	struct {
		u64 seqno;
		u32 code, word;
	} err[GFX_FILE_ERRORS];		/* under gfx_dev.lock */
};

/* One submission: its fence, and the buffers it keeps alive until it signals. */
struct gfx_job {
	struct dma_fence fence;		/* first: dma_fence_free() frees the job */
	spinlock_t fence_lock;		/* in the job: a fence may outlive the device */
	struct gfx_dev *dev;		/* for enable_signaling, while unsignalled */
	bool irq_ref;			/* holds a fence_irq_users count (under fence_lock, then lock) */
	struct list_head link;		/* gfx_dev.pending, ring order */
	struct llist_node retire;
	struct gfx_file *file;		/* NULL for the kernel's own clears */
	u64 begin, start, end;		/* ring positions: job, user stream, after the fence */
	u32 words;			/* user stream length */
	u32 err_code, err_word;		/* the first command the device rejected */
	unsigned int bo_count;
	struct drm_gem_object *bos[];
};

static inline struct gfx_job *to_gfx_job(struct dma_fence *f)
{
	return container_of(f, struct gfx_job, fence);
}

/* The one FLIP in flight (the atomic helpers serialise commits on the CRTC). */
struct gfx_flip {
	bool queued;
	bool vblank;			/* holds a vblank reference */
	u64 id;				/* its user data in the flip log */
	u64 end;			/* ring position after it */
	struct drm_pending_vblank_event *event;
	struct gfx_bo *bo;		/* referenced until it leaves the screen */
	u32 cmd[GFX_FLIP_WORDS];	/* to emit again if a reset dropped it */
};

/* A dma_fence for a user-mode queue's seqno (gfx_drm_userq_fence.c). */
struct gfx_userq_fence {
	struct dma_fence base;		/* first: dma_fence_free() frees it */
	spinlock_t lock;		/* in the fence: it may outlive the queue */
	struct list_head link;		/* gfx_userq.fences while unsignalled */
	unsigned long deadline;		/* jiffies: unreached after this, the queue hung */
};

/* A user-mode queue: one client context given to one file (gfx_drm_userq.c). */
struct gfx_userq {
	struct kref ref;		/* the file's, and each mapping's */
	struct gfx_dev *dev;
	struct gfx_file *owner;		/* under userq_lock */
	u32 id;				/* the client context */
	struct gfx_bo *window;		/* its VRAM window as a GEM object: the queue's reference, */
					/* dropped at revoke; faults and mmap use these copies: */
	u64 window_start, window_size;	/* set at create, then constant */
	struct eventfd_ctx *eventfd;	/* signalled by the context's interrupt */
	struct page *irq_page;		/* struct gfx_uio_irq_page, mapped read-only */
	struct gfx_uio_irq_page *irq;	/* written by the interrupt only */
	struct mutex lock;		/* revoked, against faults */
	bool revoked;
	spinlock_t fence_lock;		/* what follows (irq-safe); under the vector's lock */
	struct list_head fences;	/* unsignalled gfx_userq_fence, in seqno order */
	unsigned int fence_count;	/* on the list */
	u64 fence_context;		/* their dma_fence context */
	u64 fence_last;			/* the newest seqno asked for: they only go up */
};

/* A client context's MSI-X vector, and the queue its interrupt reaches. */
struct gfx_ctx_vec {
	struct gfx_dev *dev;
	u32 id;
	spinlock_t lock;		/* q (also under userq_lock to change) */
	struct gfx_userq *q;
	struct gfx_userq *stale;	/* never acknowledged a reset: window kept */
};

struct gfx_dev {
	struct drm_device drm;
	void __iomem *bar0;		/* the doorbell */
	resource_size_t bar0_phys;	/* its page is a user-mode queue's doorbell map */
	void __iomem *reg;		/* the register page, write-combined as user maps */
	void __iomem *ring;
	resource_size_t vram_phys;	/* BAR2 */
	u64 vram_size;
	u32 peer, version, caps, max_cmd_words;
	u32 formats[GFX_MAX_FORMATS];
	unsigned int num_formats;
	struct drm_display_mode mode;
	u32 refresh_mhz;

	struct mutex mm_lock;		/* mm, vram_free */
	struct drm_mm mm;
	u64 vram_free;
	struct drm_mm_node ring_node;

	/* Writers of the ring hold ring_lock (gfx_ring_begin/end); the interrupt takes lock. */
	struct mutex ring_lock;
	int ring_idx;			/* drm_dev_enter's, while ring_lock is held */
	u64 tail;			/* ring position: bytes ever written */
	u64 seqno;			/* the newest handed out */
	u64 seqno_first;		/* the first this binding handed out */
	u64 fence_context;
	wait_queue_head_t wq;		/* ring space, job completion */
	bool gone;			/* unbound: no more waiting for the device */

	spinlock_t lock;		/* what follows, and gfx_file.err */
	struct list_head pending;	/* unsignalled jobs, in ring order */
	u64 retired;			/* ring position the device is done with */
	u64 seqno_done;
	u32 errors_seen;		/* ERROR_COUNT handled */
	u64 flips_seen;			/* FLIP_COUNT handled */
	u64 errors, hangs;
	struct gfx_flip flip;
	struct gfx_bo *scanout;		/* on screen, referenced */
	bool hc_armed;
	u64 hc_fence, hc_flips;		/* progress at the last hangcheck */
	u32 hc_head;

	struct llist_head retire_list;	/* signalled jobs, for gfx_retire() */
	struct llist_head put_list;	/* buffers that left the screen */
	struct delayed_work retire_work;
	struct delayed_work hangcheck;

	spinlock_t irq_lock;		/* IRQ_ENABLE */
	u32 irq_enable;
	int fence_irq_users;		/* reasons to have GFX_IRQ_FENCE on (gfx_drm_fence.c) */

	struct page *fence_page;	/* struct drm_gfx_fence_page, mapped read-only by users */
	struct drm_gfx_fence_page *fence_map;	/* written under lock */

	/*
	 * The device's clock in CLOCK_MONOTONIC, for vblank timestamps
	 * (gfx_clock_sample): the interrupt alone writes these.
	 */
	s64 clk_min, clk_prev_min;	/* this window's smallest sample, the last one's */
	u32 clk_samples;
	s64 clk_offset;			/* READ_ONCE: CLOCK_MONOTONIC - device time */
	bool clk_valid;

	struct mutex userq_lock;	/* userq_gone, each vec's q and stale, gfx_file.userq */
	u32 userq_count;		/* client contexts 1 .. userq_count have a vector */
	bool userq_gone;		/* unbound: no new queue */
	struct gfx_ctx_vec vec[GFX_MAX_CONTEXTS];
	struct delayed_work userq_fence_work;	/* queues' fences polled, hangs found */

	struct gfx_bo *next;		/* the plane update's buffer, for the CRTC flush */
	u32 next_cmd[GFX_FLIP_WORDS];
	struct drm_crtc crtc;
	struct drm_plane plane;
	struct drm_encoder encoder;
	struct drm_connector connector;
};

static inline struct gfx_dev *to_gfx(struct drm_device *drm)
{
	return container_of(drm, struct gfx_dev, drm);
}

static inline u32 gfx_rd(struct gfx_dev *g, u32 reg)
{
	return readl(g->reg + reg);
}

static inline u64 gfx_rd64(struct gfx_dev *g, u32 reg)
{
	return readq(g->reg + reg);	/* one 64-bit load: the device stores atomically */
}

static inline void gfx_wr(struct gfx_dev *g, u32 reg, u32 val)
{
	writel(val, g->reg + reg);
}

/* CONTROL is written by both sides: atomic read-modify-write only. */
static inline void gfx_control(struct gfx_dev *g, u32 set, u32 clear)
{
	atomic_t *ctl = (atomic_t __force *)(g->reg + GFX_REG_CONTROL);

	if (set)
		atomic_or(set, ctl);
	if (clear)
		atomic_andnot(clear, ctl);
}

/* Tell the device to look at CONTROL, IRQ_ENABLE and RING_TAIL. */
static inline void gfx_kick(struct gfx_dev *g)
{
	wmb();	/* register-page and ring stores (WC) before the doorbell (UC) */
	writel(IVSHMEM_DOORBELL(g->peer, GFX_VECTOR_KICK), g->bar0 + IVSHMEM_REG_DOORBELL);
}

/* Bytes per pixel of a device format, 0 if the device does not list it. */
u32 gfx_format_cpp(struct gfx_dev *g, u32 fourcc);
void gfx_irq_enable(struct gfx_dev *g, u32 bits, bool on, bool kick);
void gfx_irq_write_locked(struct gfx_dev *g, bool kick);

/* gfx_drm_gem.c */
struct gfx_bo *gfx_bo_create(struct gfx_dev *g, u64 size);
struct gfx_bo *gfx_bo_create_window(struct gfx_dev *g, u64 start, u64 size, u32 context);
int gfx_dumb_create(struct drm_file *file, struct drm_device *drm,
		    struct drm_mode_create_dumb *args);
int gfx_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file);
int gfx_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file);
int gfx_vram_init(struct gfx_dev *g);
struct dma_fence *gfx_vram_clear(struct gfx_dev *g, u64 start, u64 size, struct gfx_bo *bo);

/* gfx_drm_fence.c */
extern const struct dma_fence_ops gfx_fence_ops;
int gfx_fence_page_init(struct gfx_dev *g);
void gfx_fence_page_reset(struct gfx_dev *g, u64 seqno_done);
void gfx_fence_irq_get(struct gfx_dev *g);
void gfx_fence_irq_put(struct gfx_dev *g);
void gfx_fence_page_write(struct gfx_dev *g, struct gfx_job *job);
void gfx_fence_signalled(struct gfx_dev *g, struct gfx_job *job);
int gfx_mmap(struct file *filp, struct vm_area_struct *vma);

/* gfx_drm_ring.c */
int gfx_ring_init(struct gfx_dev *g);
void gfx_ring_fini(struct gfx_dev *g);
int gfx_ring_begin(struct gfx_dev *g, u32 words, bool intr);
void gfx_ring_write(struct gfx_dev *g, const u32 *words, u32 n);
void gfx_ring_end(struct gfx_dev *g);
struct gfx_job *gfx_job_alloc(struct gfx_dev *g, struct gfx_file *file, u32 bo_count);
void gfx_job_free(struct gfx_job *job);
void gfx_job_begin(struct gfx_dev *g, struct gfx_job *job, u32 words);
void gfx_job_end(struct gfx_dev *g, struct gfx_job *job);
bool gfx_poll(struct gfx_dev *g);
void gfx_poll_fences(struct gfx_dev *g);
void gfx_retire(struct gfx_dev *g);
void gfx_bo_put_later(struct gfx_dev *g, struct gfx_bo *bo);
void gfx_file_put(struct gfx_file *file);

/* gfx_drm_submit.c */
int gfx_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int gfx_ioctl_wait(struct drm_device *drm, void *data, struct drm_file *file);

/* gfx_drm_userq.c */
int gfx_userq_init(struct pci_dev *pdev, struct gfx_dev *g, int vectors);
int gfx_ioctl_userq_create(struct drm_device *drm, void *data, struct drm_file *file);
int gfx_ioctl_userq_destroy(struct drm_device *drm, void *data, struct drm_file *file);
int gfx_userq_fence(struct gfx_dev *g, u32 id, u64 *value);
int gfx_userq_mmap(struct gfx_dev *g, struct drm_file *file, struct vm_area_struct *vma);
void gfx_userq_close_file(struct gfx_dev *g, struct gfx_file *f);
void gfx_userq_unbind(struct gfx_dev *g);
int gfx_ioctl_userq_signal(struct drm_device *drm, void *data, struct drm_file *file);

/* gfx_drm_userq_fence.c */
void gfx_userq_fences_init(struct gfx_userq *q);
struct dma_fence *gfx_userq_fence_create(struct gfx_userq *q, u64 seqno);
void gfx_userq_fences_signal(struct gfx_userq *q, u64 done);
bool gfx_userq_fences_hung(struct gfx_userq *q);
bool gfx_userq_fences_pending(struct gfx_userq *q);
void gfx_userq_fences_end(struct gfx_userq *q, u64 done, int error);

/* gfx_drm_kms.c */
int gfx_kms_init(struct gfx_dev *g);
void gfx_clock_sample(struct gfx_dev *g, u64 irq_ns);
bool gfx_flips_process(struct gfx_dev *g, struct drm_pending_vblank_event **event, bool *vblank);
void gfx_flip_finish(struct gfx_dev *g, struct drm_pending_vblank_event *event, bool vblank);

#endif /* GFX_DRM_DRV_H */
