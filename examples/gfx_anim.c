/* SPDX-License-Identifier: MIT */
/*
 * gfx-anim - an animated, double-buffered demo: a bouncing sprite over
 * moving bars, one new frame per vblank, flipped at vblank. Prints frames
 * drawn and vblanks missed.
 *
 * Usage: gfx-anim [-s SECONDS] [DEVICE]   (SECONDS 0 = forever; default 5)
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gfx.h"
#include "gfx_hw.h"

static struct gfx_device *dev;
static volatile sig_atomic_t stop;

#define TRY(call) do {								\
	int r_ = (call);							\
	if (r_ < 0) {								\
		fprintf(stderr, "gfx-anim: %s: %s\n", #call, gfx_last_error(dev));	\
		exit(1);							\
	}									\
} while (0)

struct state {
	bool flip_pending;
	uint64_t last_seq, frames, missed;
};

static void on_event(struct gfx_device *d, const struct gfx_event *ev, void *data)
{
	struct state *s = data;

	if (ev->type == GFX_EVENT_FLIP_DONE) {
		if (s->last_seq && ev->seq > s->last_seq + 1)
			s->missed += ev->seq - s->last_seq - 1;
		s->last_seq = ev->seq;
		s->flip_pending = false;
		s->frames++;
	} else if (ev->type == GFX_EVENT_ERROR) {
		fprintf(stderr, "gfx-anim: device error at 0x%x: %s\n", ev->error_offset,
			gfx_error_name(ev->error_code));
	}
}

static void on_signal(int sig)
{
	stop = 1;
}

static void draw(struct gfx_bo *fb, struct gfx_bo *sprite, uint64_t t)
{
	uint32_t W = fb->width, H = fb->height;
	int32_t x, y;

	TRY(gfx_set_dst(dev, fb));
	TRY(gfx_fill(dev, GFX_SRC, 0xff101828, &(struct gfx_rect){ 0, 0, W, H }, 1));
	for (int i = 0; i < 8; i++) {
		uint32_t bw = W / 16, off = (uint32_t)((t * 4 + (uint64_t)i * W / 8) % W);
		uint32_t c = 0xff000000 | ((i & 1) * 0xc00000) | ((i & 2) * 0x6000) | ((i & 4) * 0x30);
		struct gfx_rect r = { (int32_t)off, 0, off + bw <= W ? bw : W - off, H / 4 };

		TRY(gfx_fill(dev, GFX_SRC, c, &r, 1));
	}
	/* Bounce a 128x128 scaled sprite. */
	uint32_t span_x = W > 128 ? W - 128 : 1, span_y = H > 128 ? H - 128 : 1;
	x = (int32_t)((t * 7) % (2 * span_x));
	y = (int32_t)((t * 5) % (2 * span_y));
	if ((uint32_t)x >= span_x)
		x = (int32_t)(2 * span_x - (uint32_t)x);
	if ((uint32_t)y >= span_y)
		y = (int32_t)(2 * span_y - (uint32_t)y);
	TRY(gfx_set_src(dev, sprite));
	TRY(gfx_stretch(dev, 0, 0, 32 << 16, 32 << 16, &(struct gfx_rect){ x, y, 128, 128 },
			GFX_BILINEAR, GFX_OVER, 255));
}

int main(int argc, char **argv)
{
	struct gfx_bo *fb[2], *sprite;
	struct state st = { 0 };
	struct gfx_info info;
	double seconds = 5;
	uint64_t t = 0;
	int opt, cur = 0;

	while ((opt = getopt(argc, argv, "s:h")) != -1) {
		if (opt == 's') {
			seconds = atof(optarg);
		} else {
			fprintf(stderr, "usage: gfx-anim [-s SECONDS] [DEVICE]\n");
			return 2;
		}
	}
	if (gfx_open(optind < argc ? argv[optind] : NULL, &dev) < 0) {
		fprintf(stderr, "gfx-anim: cannot open the GPU: %s\n", gfx_last_error(NULL));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	TRY(gfx_get_info(dev, &info));
	TRY(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &fb[0]));
	TRY(gfx_bo_create(dev, info.width, info.height, GFX_FMT_XRGB8888, &fb[1]));
	TRY(gfx_bo_create(dev, 32, 32, GFX_FMT_ARGB8888, &sprite));
	for (uint32_t y = 0; y < 32; y++)
		for (uint32_t x = 0; x < 32; x++) {
			int dx = (int)x - 16, dy = (int)y - 16;
			uint32_t a = dx * dx + dy * dy < 15 * 15 ? 0xff : 0;

			((uint32_t *)((uint8_t *)sprite->map + y * sprite->stride))[x] =
				a << 24 | (a & 0xf0) << 16 | (a & 0x80) << 8 | (a & 0x40);
		}

	int64_t frames_wanted = seconds > 0 ? (int64_t)(seconds * info.refresh_mhz / 1000.0) : -1;
	while (!stop && (frames_wanted < 0 || (int64_t)st.frames < frames_wanted)) {
		/* Draw the back buffer while the front one is shown, then flip. */
		draw(fb[cur], sprite, t++);
		TRY(gfx_flip(dev, fb[cur], t));
		TRY(gfx_submit(dev));
		st.flip_pending = true;
		while (st.flip_pending && !stop) {
			struct pollfd p = { .fd = gfx_get_fd(dev), .events = POLLIN };

			if (poll(&p, 1, 1000) == 0) {
				fprintf(stderr, "gfx-anim: no flip for 1 s\n");
				return 1;
			}
			TRY(gfx_dispatch(dev, on_event, &st));
		}
		cur ^= 1;
	}
	printf("gfx-anim: %llu frames, %llu vblanks missed\n", (unsigned long long)st.frames,
	       (unsigned long long)st.missed);
	gfx_bo_destroy(dev, sprite);
	gfx_bo_destroy(dev, fb[0]);
	gfx_bo_destroy(dev, fb[1]);
	gfx_close(dev);
	return 0;
}
