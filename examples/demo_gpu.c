/* SPDX-License-Identifier: MIT */
/*
 * demo_gpu.c - the demo client's animation on the GPU (demo_gpu.h).
 *
 * Per frame, all GPU commands, no pixel touched by the CPU: a bilinear
 * stretch of a 4x4 palette across the window (a smooth gradient that moves
 * as the source rectangle slides), a bouncing opaque square (fill), a
 * translucent band (an OVER fill) and a round sprite blended at a moving
 * place (blend). Then one fence and one submit: on a context that is stores
 * into the ring and one doorbell store, no system call.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_gpu.h"
#include "gfx-wayland.h"

#define MAX_BUF 48	/* 3 per window, 16 windows */
#define SPRITE 48

struct demo_gpu {
	struct gfxwl *wl;
	struct gfx_device *dev;
	struct gfx_bo *buf[MAX_BUF], *palette, *sprite;
	struct wl_buffer *wlbuf[MAX_BUF];
	int w, h, n;
};

static uint32_t premul(uint32_t a, uint32_t r, uint32_t g, uint32_t b)
{
	return a << 24 | (r * a / 255) << 16 | (g * a / 255) << 8 | (b * a / 255);
}

/* The textures, written once by the CPU: a palette and a soft round sprite. */
static void fill_textures(struct demo_gpu *g)
{
	static const uint32_t pal[16] = {
		0xff203050, 0xff305070, 0xff406090, 0xff5070b0, 0xff304060, 0xff5060a0, 0xff7080c0, 0xff90a0e0,
		0xff402040, 0xff603060, 0xff804080, 0xffa050a0, 0xff202820, 0xff305030, 0xff407040, 0xff509050,
	};

	for (int y = 0; y < 4; y++)
		memcpy((char *)g->palette->map + y * g->palette->stride, pal + 4 * y, 16);
	for (int y = 0; y < SPRITE; y++) {
		uint32_t *row = (uint32_t *)((char *)g->sprite->map + (size_t)y * g->sprite->stride);

		for (int x = 0; x < SPRITE; x++) {
			double dx = x - SPRITE / 2 + 0.5, dy = y - SPRITE / 2 + 0.5, r = sqrt(dx * dx + dy * dy);
			uint32_t a = r >= SPRITE / 2 ? 0 : (uint32_t)(255 * (1 - r / (SPRITE / 2)));

			row[x] = premul(a, 255, 210, 90);
		}
	}
}

struct demo_gpu *demo_gpu_create(struct wl_display *dpy, int w, int h, int nbuf, char *err, size_t len)
{
	struct demo_gpu *g = calloc(1, sizeof(*g));

	if (!g || nbuf > MAX_BUF) {
		snprintf(err, len, "out of memory");
		free(g);
		return NULL;
	}
	g->w = w;
	g->h = h;
	if (gfxwl_connect(dpy, &g->wl) < 0) {
		snprintf(err, len, "%s", gfxwl_error());
		free(g);
		return NULL;
	}
	g->dev = gfxwl_device(g->wl);
	if (gfx_bo_create(g->dev, 4, 4, GFX_FMT_XRGB8888, &g->palette) < 0 ||
	    gfx_bo_create(g->dev, SPRITE, SPRITE, GFX_FMT_ARGB8888, &g->sprite) < 0)
		goto fail;
	for (g->n = 0; g->n < nbuf; g->n++) {
		if (gfx_bo_create(g->dev, (uint32_t)w, (uint32_t)h, GFX_FMT_XRGB8888, &g->buf[g->n]) < 0 ||
		    !(g->wlbuf[g->n] = gfxwl_buffer(g->wl, g->buf[g->n])))
			goto fail;
	}
	fill_textures(g);
	return g;
fail:
	snprintf(err, len, "GPU buffers: %s", gfx_last_error(g->dev));
	demo_gpu_destroy(g);
	return NULL;
}

struct wl_buffer *demo_gpu_buffer(struct demo_gpu *g, int i)
{
	return g->wlbuf[i];
}

const char *demo_gpu_path(struct demo_gpu *g)
{
	switch (gfxwl_path(g->wl)) {
	case GFXWL_CONTEXT:
		return "context";
	case GFXWL_USERQ:
		return "user-mode queue";
	default:
		return "dma-buf";
	}
}

static int draw_frame(struct demo_gpu *g, struct gfx_bo *dst, double t, unsigned hue)
{
	int sq = g->h / 4;
	struct gfx_rect all = { 0, 0, (uint32_t)g->w, (uint32_t)g->h };
	struct gfx_rect square = { (int)((g->w - sq) * (0.5 + 0.5 * sin(t * 1.7))),
				   (int)((g->h - sq) * (0.5 + 0.5 * sin(t * 2.3 + 1))), (uint32_t)sq, (uint32_t)sq };
	struct gfx_rect band = { 0, (int)((g->h - 24) * (0.5 + 0.5 * sin(t * 0.9))), (uint32_t)g->w, 24 };
	struct gfx_copy_rect spr = { 0, 0, (int)((g->w - SPRITE) * (0.5 + 0.5 * cos(t * 1.3))),
				     (int)((g->h - SPRITE) * (0.5 + 0.5 * sin(t * 1.1))), SPRITE, SPRITE };
	/* The palette's source rectangle slides: the gradient moves, bilinear keeps it smooth. */
	int32_t sx = (int32_t)((0.5 + 0.5 * sin(t * 0.7 + hue)) * 65536), sy = (int32_t)((0.5 + 0.5 * cos(t * 0.5)) * 65536);

	return gfx_set_dst(g->dev, dst) ?: gfx_set_src(g->dev, g->palette) ?:
	       gfx_stretch(g->dev, sx, sy, 2 << 16, 2 << 16, &all, GFX_BILINEAR, GFX_SRC, 255) ?:
	       gfx_fill(g->dev, GFX_SRC, 0xfff0f0f0u, &square, 1) ?:
	       gfx_fill(g->dev, GFX_OVER, premul(96, 255, 255, 255), &band, 1) ?:
	       gfx_set_src(g->dev, g->sprite) ?: gfx_blend(g->dev, 255, &spr, 1);
}

int demo_gpu_draw(struct demo_gpu *g, int i, double t, unsigned hue, struct wl_surface *surface)
{
	uint64_t seq;
	int r = draw_frame(g, g->buf[i], t, hue);

	if (r == 0)
		r = gfx_fence(g->dev, false, &seq) ?: gfx_submit(g->dev);
	if (r == 0)
		r = gfxwl_set_fence(g->wl, surface, seq);
	if (r < 0)
		fprintf(stderr, "gfx-demo-client: GPU frame: %s\n", gfx_last_error(g->dev));
	return r;
}

void demo_gpu_destroy(struct demo_gpu *g)
{
	if (!g)
		return;
	for (int i = 0; i < MAX_BUF; i++) {
		if (g->wlbuf[i])
			wl_buffer_destroy(g->wlbuf[i]);
		if (g->buf[i])
			gfx_bo_destroy(g->dev, g->buf[i]);
	}
	if (g->palette)
		gfx_bo_destroy(g->dev, g->palette);
	if (g->sprite)
		gfx_bo_destroy(g->dev, g->sprite);
	if (g->dev)
		gfx_finish(g->dev, 1000000000LL);
	gfxwl_destroy(g->wl);
	free(g);
}
