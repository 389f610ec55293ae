/* SPDX-License-Identifier: MIT */
/*
 * virtqueue.c - split virtqueues with event index (virtio_priv.h; virtio
 * 1.2, 2.7). Each slot is a two-descriptor chain set up once: the request
 * the device reads, the response it writes. Sending a request publishes its
 * head in the avail ring and notifies the device only if it asked to be
 * (avail_event); reaping takes the used ring's entries. An interrupt is
 * asked for (used_event) only when the newest request is answered: a flip's
 * three requests cost one interrupt, not three. QEMU runs the queues from its main
 * loop, so we never spin on the device: waiting is sleeping on the stub's
 * interrupt.
 */
#include <poll.h>
#include <unistd.h>

#include "virtio_priv.h"

#define VIO_RING_USED_OFF	8192	/* the used ring, after desc and avail (size <= 64) */
#define VIO_RING_SLOTS_OFF	16384	/* the slots' buffers after the rings */

/* Event index (VIRTIO_RING_F_EVENT_IDX): each side's word after the other side's ring. */
static uint16_t *avail_event(struct vio_queue *q)	/* the device: notify me past this */
{
	return (uint16_t *)&q->used->ring[q->size];
}

static uint16_t *used_event(struct vio_queue *q)	/* we: interrupt us past this */
{
	return &q->avail->ring[q->size];
}

void vio_queue_init(struct vio_queue *q, uint16_t index, uint16_t size, uint8_t *mem,
		    uint64_t bus)
{
	unsigned int slots = size / 2u;

	*q = (struct vio_queue){ .index = index, .size = size };
	q->desc = (struct vring_desc *)mem;
	q->avail = (struct vring_avail *)(mem + size * sizeof(struct vring_desc));
	q->used = (struct vring_used *)(mem + VIO_RING_USED_OFF);
	q->out = mem + VIO_RING_SLOTS_OFF;
	q->out_bus = bus + VIO_RING_SLOTS_OFF;
	q->in = q->out + slots * VIO_SLOT_OUT;
	q->in_bus = q->out_bus + slots * VIO_SLOT_OUT;
	for (unsigned int i = 0; i < slots; i++) {
		q->desc[2 * i] = (struct vring_desc){ .addr = q->out_bus + i * VIO_SLOT_OUT,
			.flags = VRING_DESC_F_NEXT, .next = (uint16_t)(2 * i + 1) };
		q->desc[2 * i + 1] = (struct vring_desc){ .addr = q->in_bus + i * VIO_SLOT_IN,
			.len = VIO_SLOT_IN, .flags = VRING_DESC_F_WRITE };
	}
}

int vio_queue_slot(struct vio_queue *q, unsigned int *slot)
{
	for (unsigned int i = 0; i < q->size / 2u; i++)
		if (q->state[i] == VIO_SLOT_FREE) {
			*slot = i;
			return 0;
		}
	return -EAGAIN;
}

void vio_queue_send(struct gfx_virtio *v, struct vio_queue *q, unsigned int slot, uint32_t out_len,
		    enum vio_slot_state state, uint64_t user_data, bool kick)
{
	q->state[slot] = (uint8_t)state;
	q->user_data[slot] = user_data;
	q->desc[2 * slot].len = out_len;
	q->avail->ring[q->avail_idx % q->size] = (uint16_t)(2 * slot);
	/* The entry before the index that publishes it (the device reads them in that order). */
	__atomic_store_n(&q->avail->idx, ++q->avail_idx, __ATOMIC_RELEASE);
	/* One interrupt when the newest request is answered, none for those before it. */
	__atomic_store_n(used_event(q), (uint16_t)(q->avail_idx - 1), __ATOMIC_RELEASE);
	q->requests++;
	if (kick)
		vio_queue_kick(v, q);
}

void vio_queue_kick(struct gfx_virtio *v, struct vio_queue *q)
{
	uint16_t old = q->kicked_idx, event;

	if (old == q->avail_idx)
		return;
	q->kicked_idx = q->avail_idx;
	/* The index before avail_event: a full barrier (store then load). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (v->features & (1ull << VIRTIO_RING_F_EVENT_IDX)) {
		event = __atomic_load_n(avail_event(q), __ATOMIC_ACQUIRE);
		if (!vring_need_event(event, q->avail_idx, old))
			return;
	} else if (__atomic_load_n(&q->used->flags, __ATOMIC_ACQUIRE) & VRING_USED_F_NO_NOTIFY) {
		return;
	}
	vio_pci_notify(v, q);
}

/* One response: the slot's state moves on (virtio_cmd.c says what a flip's means). */
static void reaped(struct gfx_device *dev, struct vio_queue *q, unsigned int slot, uint32_t len)
{
	q->in_len[slot] = len;
	switch (q->state[slot]) {
	case VIO_SLOT_WAITED:
		q->state[slot] = VIO_SLOT_DONE;
		return;
	case VIO_SLOT_FLIP:
	case VIO_SLOT_ASYNC:
		vio_answered(dev, q, slot);
		q->state[slot] = VIO_SLOT_FREE;
		return;
	case VIO_SLOT_CURSOR:
		q->state[slot] = VIO_SLOT_FREE;
		return;
	default:	/* FREE or DONE: the device answered twice, or made up a head */
		return;
	}
}

int vio_queue_reap(struct gfx_device *dev, struct vio_queue *q)
{
	uint16_t idx;
	int n = 0;

	for (;;) {
		idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
		while (q->used_seen != idx) {
			struct vring_used_elem e = q->used->ring[q->used_seen % q->size];

			if (e.id % 2 == 0 && e.id < q->size)
				reaped(dev, q, e.id / 2, e.len);
			q->used_seen++;
			n++;
		}
		/*
		 * An interrupt when the newest request outstanding is answered (the
		 * device answers the 2D commands in order, and only a flip's last
		 * or a waited-for request matters), or at the next entry if none
		 * is; then look again for an entry that slipped in.
		 */
		__atomic_store_n(used_event(q), q->used_seen == q->avail_idx ? q->used_seen :
				 (uint16_t)(q->avail_idx - 1), __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) == q->used_seen)
			return n;
	}
}

int vio_wait_irq(struct gfx_device *dev, int64_t deadline_ns)
{
	struct gfx_virtio *v = dev->virtio;
	struct pollfd p = { .fd = v->fd, .events = POLLIN };
	int64_t left = deadline_ns - gfx_now_ns();
	int r = 0;

	if (left <= 0)
		return -ETIMEDOUT;
	if (poll(&p, 1, (int)((left + 999999) / 1000000)) == 1) {
		vio_irq_drain(dev);
		if (dev->lost)
			return gfx_lost(dev);
	} else if (gfx_now_ns() >= deadline_ns) {
		r = -ETIMEDOUT;
	}
	vio_queue_reap(dev, &v->ctrl);
	vio_queue_reap(dev, &v->cursor);
	return r;
}

int vio_queue_wait_slot(struct gfx_device *dev, struct vio_queue *q, unsigned int *slot)
{
	int64_t deadline = gfx_now_ns() + VIO_WAIT_NS;
	int r;

	vio_queue_reap(dev, q);
	if (vio_queue_slot(q, slot) < 0)
		vio_queue_kick(dev->virtio, q);	/* what is queued must go before we wait for it */
	while (vio_queue_slot(q, slot) < 0) {
		r = vio_wait_irq(dev, deadline);
		if (r == -ETIMEDOUT)
			return gfx_set_error(dev, r, "virtio-gpu answered none of %u requests in %lld ms",
					     q->size / 2u, VIO_WAIT_NS / 1000000);
		if (r < 0)
			return r;
	}
	return 0;
}
