/* SPDX-License-Identifier: MIT */
/*
 * virtio_priv.h - libgfx on QEMU's virtio-gpu, driven from user space
 * ("virtio", "virtio:/dev/uioN") through the uio_vgpu stub (the contract:
 * include/uio_vgpu.h; the device: virtio 1.2, 4.1 and 5.7), or through
 * vfio-pci behind an IOMMU ("virtio:vfio:BDF"). Private state of the files
 * of this folder:
 *
 *   virtio_pci.c     the modern PCI transport: the node and its maps, reset,
 *                    features, the queues' setup, MSI-X vectors, notifying
 *   virtio_vfio.c    the same maps, the pool and the interrupt through VFIO
 *   virtqueue.c      split virtqueues with event index: requests out,
 *                    responses back, waiting through the interrupt
 *   virtio_cmd.c     the 2D commands, and the resources behind buffers
 *   virtio_device.c  the driver table: opening, memory, flips, vblanks, events
 *
 * Memory is laid out as VRAM is: the stub's DMA pool is this driver's VRAM
 * (offset o at pool + o, one range in our address space), so the allocator,
 * the command encoders and the CPU engine (cpu_exec.h) work unchanged. Its
 * first VIO_SYS_BYTES hold the queues and their request slots; buffers come
 * after. A buffer that is flipped gets a 2D resource backed by its own pool
 * pages (ATTACH_BACKING with their bus addresses); a flip uploads what
 * changed since that resource was last uploaded (TRANSFER_TO_HOST_2D), sets
 * the scanout when the resource differs, and flushes (RESOURCE_FLUSH, with
 * a fence). The device has no vblank: pacer.h paces at the mode's rate.
 */
#ifndef GFX_VIRTIO_PRIV_H
#define GFX_VIRTIO_PRIV_H

#include <limits.h>
#include <linux/virtio_config.h>
#include <linux/virtio_gpu.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <pixman.h>

#include "cpu_exec.h"
#include "evq.h"
#include "internal.h"
#include "pacer.h"
#include "uio_vgpu.h"

#define VIO_SYS_BYTES		(1u << 20)	/* the pool's start: the queues and their slots */
#define VIO_CTRL_SIZE		64		/* control queue entries (at most) */
#define VIO_CURSOR_SIZE		16
#define VIO_SLOT_OUT		8192		/* a request: ATTACH_BACKING of many chunks fits */
#define VIO_SLOT_IN		2048		/* a response: GET_EDID's 1056 bytes fit */
#define VIO_WAIT_NS		2000000000LL	/* the device answers a request within this */

/* What happens when a request's response comes back. */
enum vio_slot_state {
	VIO_SLOT_FREE,
	VIO_SLOT_WAITED,	/* a caller waits for it (vio_request) */
	VIO_SLOT_DONE,		/* answered; the waiter takes it */
	VIO_SLOT_FLIP,		/* a flip's RESOURCE_FLUSH: then the flip is shown */
	VIO_SLOT_ASYNC,		/* nobody waits; an error is reported as an event */
	VIO_SLOT_CURSOR,	/* the cursor queue's: the device answers with nothing */
};

/*
 * A split virtqueue. Descriptors 2i and 2i + 1 are slot i's request (device
 * reads) and response (device writes), chained; a slot is one request.
 */
struct vio_queue {
	uint16_t index, size;		/* size: entries; slots are size / 2 */
	struct vring_desc *desc;
	struct vring_avail *avail;	/* used_event after its ring */
	struct vring_used *used;	/* avail_event after its ring */
	volatile uint16_t *notify;
	uint16_t avail_idx;		/* the next avail index we publish */
	uint16_t kicked_idx;		/* avail_idx at the last kick */
	uint16_t used_seen;		/* the used index we handled up to */
	uint8_t *out, *in;		/* slot i's request at out + i * VIO_SLOT_OUT */
	uint64_t out_bus, in_bus;
	uint8_t state[VIO_CTRL_SIZE / 2];
	uint64_t user_data[VIO_CTRL_SIZE / 2];
	uint32_t in_len[VIO_CTRL_SIZE / 2];	/* bytes the device wrote */
	uint64_t notifies, requests;	/* statistics */
};

/* A buffer that has been flipped: its 2D resource. */
struct vio_res {
	uint32_t id;
	uint32_t offset, size;		/* the buffer's pool range */
	uint32_t width, height, stride, format;
	pixman_region32_t stale;	/* where the host's copy lags the buffer */
	bool doomed;			/* destroyed while on screen: goes once replaced */
};

struct gfx_virtio {
	int fd;				/* the stub's node; with VFIO the interrupt's eventfd */
	struct {
		bool on;		/* through vfio-pci, not the stub */
		int container, group, device;
		int req_fd;		/* eventfd: vfio-pci wants the device back (unbind) */
	} vfio;
	char sysdir[PATH_MAX];
	volatile uint8_t *regs;		/* map 0: the capabilities' BAR */
	size_t regs_len;
	const volatile struct uio_vgpu_info *info;	/* map 2; with VFIO our own copy */
	uint8_t *pool;			/* map 1: VRAM */
	uint64_t pool_size;
	volatile struct virtio_pci_common_cfg *common;
	volatile struct virtio_gpu_config *config;
	uint64_t features;		/* negotiated */
	struct vio_queue ctrl, cursor;
	uint32_t irq_seen;		/* UIO's interrupt count we have read */
	uint64_t irqs_seen;		/* the info page's irq_count when we last read() */
	uint64_t fence_id;		/* the newest VIRTIO_GPU_FLAG_FENCE id */
	struct gfx_cpu cpu;

	/* The display: scanout 0. */
	uint32_t width, height, refresh_mhz;
	struct gfx_pacer pace;
	struct gfx_evq events;
	uint32_t scanout_res;		/* the resource scanout 0 shows, 0: none */
	int32_t cursor_x, cursor_y;	/* the cursor's hotspot on the display */
	bool cursor_on;			/* an image is set */
	bool upload_full;		/* GFX_VIRTIO_UPLOAD=full: every flip uploads all of it */
	bool flip_pending;		/* a flip sent and not yet shown (FLIP_DONE queued) */
	uint64_t flip_after;		/* the virtual vblank it was sent in */
	uint32_t display_events;	/* VIRTIO_GPU_EVENT_DISPLAY seen */
	bool display_changed;		/* one seen: the next gfx_dispatch() reads the display info */
	uint32_t refused;		/* requests nobody waited for that the device refused */
	uint32_t refused_type;		/* the last one's response type */

	struct vio_res *res;
	unsigned int res_n, res_cap;
	uint32_t next_res_id;
};

/* virtio_pci.c */
int vio_pci_open(struct gfx_device *dev, const char *path, char *err, size_t len);
void vio_pci_close(struct gfx_device *dev);
/* Unbound under us? Then the maps fault (SIGBUS): only read() tells, with EIO. */
bool vio_pci_gone(struct gfx_device *dev);
/* Status 0 and back: the device forgets queues and resources, and stops its DMA. */
void vio_pci_reset(struct gfx_virtio *v);
/* Tell the device queue q has new requests (not once it is gone: the stub says so). */
void vio_pci_notify(struct gfx_virtio *v, struct vio_queue *q);
/* Take a VIRTIO_GPU_EVENT_DISPLAY from the configuration; true if there was one. */
bool vio_pci_display_event(struct gfx_virtio *v);
/* Consume the interrupts signalled so far (no system call if the stub says none came). */
void vio_irq_drain(struct gfx_device *dev);

/* virtio_vfio.c */
/* The first virtio-gpu bound to vfio-pci, as a PCI address; -ENOENT if none. */
int vio_vfio_find(char *bdf, size_t len);
/* bdf's device through VFIO (NULL: the first found): v->info, regs, pool and fd as the stub's. */
int vio_vfio_open(struct gfx_virtio *v, const char *bdf, char *err, size_t len);
/* vfio-pci asked for the device back (unbind): it was reset and let go. True if so. */
bool vio_vfio_released(struct gfx_virtio *v);
/* Reset and let go of the device (the BAR unmapped); the pool stays until vio_vfio_fini. */
void vio_vfio_close(struct gfx_virtio *v);
void vio_vfio_fini(struct gfx_virtio *v);

/* virtqueue.c */
void vio_queue_init(struct vio_queue *q, uint16_t index, uint16_t size, uint8_t *mem,
		    uint64_t bus);
/* A free slot's request buffer (-EAGAIN: none free); *slot its number. */
int vio_queue_slot(struct vio_queue *q, unsigned int *slot);
/*
 * Publish slot's request of out_len bytes (the response comes in its in
 * buffer); kick: tell the device now, with what was published before it.
 */
void vio_queue_send(struct gfx_virtio *v, struct vio_queue *q, unsigned int slot, uint32_t out_len,
		    enum vio_slot_state state, uint64_t user_data, bool kick);
/* Tell the device of the requests published since the last kick, if it wants to know. */
void vio_queue_kick(struct gfx_virtio *v, struct vio_queue *q);
/* Responses the device gave back since the last look; each slot's state moves on. */
int vio_queue_reap(struct gfx_device *dev, struct vio_queue *q);
/* Wait for an interrupt (or the deadline); then reap both queues. -ETIMEDOUT, -ENODEV. */
int vio_wait_irq(struct gfx_device *dev, int64_t deadline_ns);
/* Make sure a slot is free, waiting for responses if none is. */
int vio_queue_wait_slot(struct gfx_device *dev, struct vio_queue *q, unsigned int *slot);

/* virtio_cmd.c */
/* The response to a request nobody waits for (a flip's flush, an async command). */
void vio_answered(struct gfx_device *dev, struct vio_queue *q, unsigned int slot);
/* The command header of type for a request (fence: a fenced one). */
void vio_hdr(struct gfx_virtio *v, struct virtio_gpu_ctrl_hdr *h, uint32_t type, bool fence);
/* Send req (len bytes) on the control queue and wait for its response (copied to resp). */
int vio_request(struct gfx_device *dev, const void *req, uint32_t len, void *resp,
		uint32_t resp_len);
/* The response's type name, for messages. */
const char *vio_resp_name(uint32_t type);
int vio_display_info(struct gfx_device *dev);	/* width 0: scanout 0 disabled */
/* The resource showing bo (made on its first flip); the error in dev. */
int vio_res_for(struct gfx_device *dev, const struct gfx_bo *bo, struct vio_res **out);
void vio_res_destroy(struct gfx_device *dev, struct vio_res *r);
/*
 * The cursor (virtio 1.2, 5.7.6.8's cursor queue): r's pixels uploaded
 * (waited for, as the upstream driver does: the queues run independently)
 * and shown with this hotspot at (x, y); r NULL hides it. A move sends only
 * the place. The device copies the image, so r may go afterwards.
 */
int vio_cursor_update(struct gfx_device *dev, struct vio_res *r, int32_t hot_x, int32_t hot_y,
		      int32_t x, int32_t y);
int vio_cursor_move(struct gfx_device *dev, int32_t x, int32_t y);
/* Upload r's stale part and damage, set the scanout if needed, flush with a fence. */
int vio_present(struct gfx_device *dev, struct vio_res *r, const struct gfx_rect *damage,
		unsigned int n, uint64_t user_data);

#endif /* GFX_VIRTIO_PRIV_H */
