// SPDX-License-Identifier: MIT
/*
 * registers.c - the register page's identity and its values after reset.
 */
#include <string.h>
#include <time.h>

#include "device.h"
#include "engine.h"
#include "command_processor.h"

uint64_t device_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct scanout device_scanout(struct device *d)
{
	struct scanout s;

	pthread_mutex_lock(&d->flip_lock);
	s = d->scanout;
	pthread_mutex_unlock(&d->flip_lock);
	return s;
}

/* Identity and the device's counters, as the device knows them. */
void registers_publish(struct device *d)
{
	reg_write(d, GFX_REG_MAGIC, GFX_MAGIC);
	reg_write(d, GFX_REG_VERSION, GFX_VERSION);
	reg_write64(d, GFX_REG_VRAM_SIZE, d->cfg.vram_size);
	reg_write(d, GFX_REG_CAPS, GFX_CAP_BILINEAR | GFX_CAP_FORMAT_CONVERT | GFX_CAP_FLIP_LOG);
	reg_write(d, GFX_REG_FORMAT_COUNT, engine_format_count);
	for (unsigned int i = 0; i < engine_format_count && i < GFX_MAX_FORMATS; i++)
		reg_write(d, GFX_REG_FORMATS + 4 * i, engine_formats[i]);
	reg_write(d, GFX_REG_DEVICE_PEER, 0);
	reg_write(d, GFX_REG_MAX_CMD_WORDS, GFX_MAX_CMD_WORDS);
	reg_write(d, GFX_REG_MODE_WIDTH, d->cfg.width);
	reg_write(d, GFX_REG_MODE_HEIGHT, d->cfg.height);
	reg_write(d, GFX_REG_MODE_REFRESH, d->cfg.refresh_mhz);
	reg_write(d, GFX_REG_ERROR_COUNT, atomic_load(&d->error_count));
	reg_write(d, GFX_REG_RESET_COUNT, atomic_load(&d->reset_count));
	reg_write64(d, GFX_REG_FENCE_DONE, atomic_load(&d->fence_done));
	reg_write64(d, GFX_REG_VBLANK_SEQ, atomic_load(&d->vblank_seq));
	reg_write64(d, GFX_REG_FLIP_COUNT, atomic_load(&d->flip_count));
	pthread_mutex_lock(&d->input_lock);
	reg_write64(d, GFX_REG_INPUT_COUNT, d->input_count);
	pthread_mutex_unlock(&d->input_lock);
	struct scanout so = device_scanout(d);
	reg_write(d, GFX_REG_SCANOUT_STRIDE, so.stride);
	reg_write(d, GFX_REG_SCANOUT_FORMAT, so.format);
	reg_write(d, GFX_REG_SCANOUT_OFFSET, so.offset);
}

void registers_init(struct device *d)
{
	memset(d->bar2, 0, GFX_REG_PAGE_SIZE);
	registers_publish(d);
	reg_write(d, GFX_REG_IRQ_MASTER, 1);
	reg_write(d, GFX_REG_STATUS, GFX_STATUS_IDLE);
}
