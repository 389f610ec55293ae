/* SPDX-License-Identifier: MIT */
/*
 * uio_vgpu.h - the contract between uio_vgpu (kernel/uio_vgpu.c), a UIO stub
 * for QEMU's virtio-gpu, and libgfx's virtio driver (libgfx/src/virtio/),
 * which does everything else from user space. The device itself is the
 * virtio 1.2 spec's (section 5.7 "GPU Device", 4.1 "Virtio Over PCI Bus");
 * its structures are <linux/virtio_gpu.h>, <linux/virtio_pci.h> and
 * <linux/virtio_ring.h>.
 *
 * Binding. The stub has no ID table: it binds only to a device it is named
 * for (driver_override, docs/virtio.md), and only to a modern virtio-gpu
 * (1af4:1050) whose capabilities all lie in one memory BAR. It resets the
 * device at probe, at the last close and at unbind.
 *
 * Interrupts. One MSI-X vector (0) for the queues and configuration changes;
 * user space sets config_msix_vector and every queue_msix_vector to 0. With
 * MSI-X the vector is the device's alone: there is no status to read or ack.
 * Without MSI-X the stub takes INTx, reads (so acks) the ISR status and
 * refuses interrupts with none. read() on the node blocks for the next
 * interrupt and returns UIO's count; the info page counts and timestamps.
 *
 * Maps (mmap offset = map index * page size):
 *   0 "virtio"  the BAR with the capabilities, uncached;
 *   1 "pool"    DMA memory for queues and buffers, cached (coherent on x86):
 *               chunks of UIO_VGPU_CHUNK bytes, each contiguous on the bus,
 *               one contiguous range in user space; zeroed at the last close;
 *   2 "info"    struct uio_vgpu_info, read-only.
 * Only one process opens the node at a time (EBUSY). Unbinding with the node
 * open revokes it: every mapping faults with SIGBUS from then on.
 *
 * Safety. Without an IOMMU the device reaches all guest memory, and whoever
 * writes a descriptor chooses where: the node is as powerful as root, and
 * is root's alone (docs/virtio.md). With an IOMMU, use vfio-pci instead.
 */
#ifndef UIO_VGPU_H
#define UIO_VGPU_H

#include <linux/types.h>

#define UIO_VGPU_NAME		"uio_vgpu"
#define UIO_VGPU_MAP_VIRTIO	0
#define UIO_VGPU_MAP_POOL	1
#define UIO_VGPU_MAP_INFO	2

#define UIO_VGPU_MAGIC		0x75766770u	/* "uvgp" */
#define UIO_VGPU_VERSION	1
/* 2 MiB: an order-9 allocation, which the page allocator gives without CMA. */
#define UIO_VGPU_CHUNK_SHIFT	21
#define UIO_VGPU_CHUNK		(1u << UIO_VGPU_CHUNK_SHIFT)
#define UIO_VGPU_MAX_CHUNKS	256		/* a 512 MiB pool at most */
#define UIO_VGPU_POOL_MIB_DEFAULT	64	/* the module parameter pool_mib */

/* A virtio capability's place in map 0; length 0: the device has none. */
struct uio_vgpu_cap {
	__u32 offset;
	__u32 length;
};

/*
 * The info page. Written by the stub only: the capabilities and the pool at
 * probe, irq_* in the interrupt handler, irq_count last (release), so a
 * reader that sees count n sees the time of interrupt n or later.
 */
struct uio_vgpu_info {
	__u32 magic;				/* UIO_VGPU_MAGIC */
	__u32 version;				/* UIO_VGPU_VERSION */
	struct uio_vgpu_cap common, notify, isr, device;
	__u32 notify_off_multiplier;		/* of the notify capability */
	__u32 msix;				/* 1: MSI-X vector 0; 0: INTx */
	__u32 chunks;				/* the pool is chunks * UIO_VGPU_CHUNK bytes */
	__u32 gone;				/* 1 from the unbind on: touch the BAR no more */
	__u64 irq_count;			/* handled interrupts */
	__u64 irq_last_ns;			/* ktime_get_ns() of the last */
	__u64 irq_refused;			/* INTx with no ISR status: not ours */
	__u64 bus[UIO_VGPU_MAX_CHUNKS];		/* each chunk's DMA address */
};

#if defined(__KERNEL__) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L)
_Static_assert(sizeof(struct uio_vgpu_info) <= 4096, "the info page is one page");
#endif

#endif /* UIO_VGPU_H */
