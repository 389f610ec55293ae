/* SPDX-License-Identifier: MIT */
/*
 * allocator.c - VRAM ranges for buffer objects and the ring.
 *
 * Best fit over a free list sorted by offset; neighbours coalesce on free,
 * so freeing everything gives back one range. Sizes are whole 4 KiB pages,
 * which keeps every offset page-aligned. Frees of ranges the GPU may still
 * use wait in a list ordered by fence seqno.
 */
#include <stdlib.h>

#include "internal.h"

static int grow(struct gfx_range **v, unsigned int *cap, unsigned int n)
{
	struct gfx_range *nv;
	unsigned int ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 32;
	nv = realloc(*v, ncap * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

int gfx_alloc_init(struct gfx_device *dev, uint32_t start, uint64_t end)
{
	if (end > UINT32_MAX + 1ull)
		end = UINT32_MAX + 1ull - GFX_BO_ALIGN;	/* offsets are u32 */
	end &= ~(uint64_t)(GFX_BO_ALIGN - 1);
	if (grow(&dev->free_list, &dev->free_cap, 0) < 0)
		return -ENOMEM;
	dev->free_n = 0;
	if (end > start) {
		dev->free_list[0].offset = start;
		dev->free_list[0].size = (uint32_t)(end - start);
		dev->free_n = 1;
	}
	return 0;
}

void gfx_alloc_exclude(struct gfx_device *dev, uint32_t offset, uint32_t size)
{
	uint64_t lo = offset, hi = (uint64_t)offset + size;

	for (unsigned int i = 0; i < dev->free_n; i++) {
		struct gfx_range *f = &dev->free_list[i];
		uint64_t f_lo = f->offset, f_hi = (uint64_t)f->offset + f->size;

		if (hi <= f_lo || lo >= f_hi)
			continue;
		if (lo > f_lo && hi < f_hi) {	/* in the middle: split in two */
			if (grow(&dev->free_list, &dev->free_cap, dev->free_n + 1) < 0)
				return;
			f = &dev->free_list[i];
			memmove(f + 1, f, (dev->free_n - i) * sizeof(*f));
			dev->free_n++;
			f[0].size = (uint32_t)(lo - f_lo);
			f[1].offset = (uint32_t)hi;
			f[1].size = (uint32_t)(f_hi - hi);
			return;
		}
		if (lo <= f_lo && hi >= f_hi) {	/* all of it */
			memmove(f, f + 1, (dev->free_n - i - 1) * sizeof(*f));
			dev->free_n--;
			i--;
			continue;
		}
		if (lo <= f_lo) {		/* its start */
			f->offset = (uint32_t)hi;
			f->size = (uint32_t)(f_hi - hi);
		} else {			/* its end */
			f->size = (uint32_t)(lo - f_lo);
		}
	}
}

void gfx_alloc_fini(struct gfx_device *dev)
{
	free(dev->free_list);
	free(dev->deferred);
	dev->free_list = dev->deferred = NULL;
	dev->free_n = dev->free_cap = dev->deferred_n = dev->deferred_cap = 0;
}

static int alloc_now(struct gfx_device *dev, uint32_t size, uint32_t *offset)
{
	unsigned int i, best = dev->free_n;

	for (i = 0; i < dev->free_n; i++) {
		if (dev->free_list[i].size < size)
			continue;
		if (best == dev->free_n || dev->free_list[i].size < dev->free_list[best].size)
			best = i;
		if (dev->free_list[i].size == size)
			break;
	}
	if (best == dev->free_n)
		return -ENOSPC;
	*offset = dev->free_list[best].offset;
	dev->free_list[best].offset += size;
	dev->free_list[best].size -= size;
	if (dev->free_list[best].size == 0) {
		memmove(&dev->free_list[best], &dev->free_list[best + 1],
			(dev->free_n - best - 1) * sizeof(dev->free_list[0]));
		dev->free_n--;
	}
	return 0;
}

static void free_now(struct gfx_device *dev, uint32_t offset, uint32_t size)
{
	struct gfx_range *f;
	unsigned int i = 0, lo = 0, hi = dev->free_n;

	while (lo < hi) {	/* first range after offset */
		i = (lo + hi) / 2;
		if (dev->free_list[i].offset < offset)
			lo = i + 1;
		else
			hi = i;
	}
	i = lo;
	f = dev->free_list;
	if (i > 0 && f[i - 1].offset + f[i - 1].size == offset) {
		f[i - 1].size += size;
		if (i < dev->free_n && offset + size == f[i].offset) {
			f[i - 1].size += f[i].size;
			memmove(&f[i], &f[i + 1], (dev->free_n - i - 1) * sizeof(*f));
			dev->free_n--;
		}
		return;
	}
	if (i < dev->free_n && offset + size == f[i].offset) {
		f[i].offset = offset;
		f[i].size += size;
		return;
	}
	if (grow(&dev->free_list, &dev->free_cap, dev->free_n + 1) < 0)
		return;	/* leak the range rather than corrupt the list */
	f = dev->free_list;
	memmove(&f[i + 1], &f[i], (dev->free_n - i) * sizeof(*f));
	f[i].offset = offset;
	f[i].size = size;
	f[i].seqno = 0;
	dev->free_n++;
}

/* Give back deferred ranges whose fence has passed. */
void gfx_alloc_reclaim(struct gfx_device *dev)
{
	uint64_t done;
	unsigned int i, k = 0;

	if (dev->deferred_n == 0)
		return;
	done = gfx_rd64(dev, GFX_REG_FENCE_DONE);
	for (i = 0; i < dev->deferred_n; i++) {
		if (dev->lost || gfx_seqno_passed(done, dev->deferred[i].seqno))
			free_now(dev, dev->deferred[i].offset, dev->deferred[i].size);
		else
			dev->deferred[k++] = dev->deferred[i];
	}
	dev->deferred_n = k;
}

void gfx_free_after(struct gfx_device *dev, uint32_t offset, uint32_t size, uint64_t seqno)
{
	if (seqno == 0 || gfx_seqno_passed(gfx_rd64(dev, GFX_REG_FENCE_DONE), seqno) ||
	    grow(&dev->deferred, &dev->deferred_cap, dev->deferred_n + 1) < 0) {
		free_now(dev, offset, size);
		return;
	}
	dev->deferred[dev->deferred_n].offset = offset;
	dev->deferred[dev->deferred_n].size = size;
	dev->deferred[dev->deferred_n].seqno = seqno;
	dev->deferred_n++;
}

/*
 * Allocate size bytes (a multiple of 4 KiB). When VRAM is short but deferred
 * frees are pending, wait for the GPU to finish with them.
 */
int gfx_alloc(struct gfx_device *dev, uint32_t size, uint32_t *offset)
{
	int r;

	gfx_alloc_reclaim(dev);
	while ((r = alloc_now(dev, size, offset)) == -ENOSPC && dev->deferred_n > 0) {
		uint64_t newest = dev->deferred[dev->deferred_n - 1].seqno;

		r = dev->drv->fence_wait(dev, newest, 5000000000LL);
		if (r < 0 && r != -EIO)
			return r;
		gfx_alloc_reclaim(dev);
		if (r == -EIO && dev->deferred_n > 0)
			continue;	/* the ring was recovered; wait again */
	}
	return r;
}

uint64_t gfx_alloc_free_bytes(struct gfx_device *dev)
{
	uint64_t sum = 0;
	unsigned int i;

	gfx_alloc_reclaim(dev);
	for (i = 0; i < dev->free_n; i++)
		sum += dev->free_list[i].size;
	for (i = 0; i < dev->deferred_n; i++)
		sum += dev->deferred[i].size;
	return sum;
}
