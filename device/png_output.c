// SPDX-License-Identifier: MIT
/*
 * png_output.c - the scanout as PNG, with exact pixels.
 *
 * X formats become RGB, A formats RGBA with the stored (premultiplied)
 * values unchanged, RGB565 is widened by bit replication as pixman does.
 * The scanout registers live in shared memory, so they are re-checked
 * against VRAM before any pixel is read.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "png_output.h"
#include "engine.h"

struct png_output {
	struct device *d;
	char *dir;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t want_seq;	/* 0 = nothing asked */
	bool stop;
	bool busy;
};

/* mkdir -p: the frames folder may be new. */
static int mkdir_p(const char *dir)
{
	char path[4096];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static bool format_has_alpha(uint32_t fourcc)
{
	return fourcc == GFX_FMT_ARGB8888 || fourcc == GFX_FMT_ABGR8888;
}

static void convert_row(uint8_t *out, const uint8_t *in, uint32_t width, uint32_t fourcc)
{
	for (uint32_t x = 0; x < width; x++) {
		uint32_t p, r, g, b, a = 0xff;

		if (fourcc == GFX_FMT_RGB565) {
			uint16_t v;

			memcpy(&v, in + 2 * x, 2);
			r = (v >> 11) & 0x1f;
			g = (v >> 5) & 0x3f;
			b = v & 0x1f;
			r = (r << 3) | (r >> 2);
			g = (g << 2) | (g >> 4);
			b = (b << 3) | (b >> 2);
		} else {
			memcpy(&p, in + 4 * x, 4);
			a = p >> 24;
			if (fourcc == GFX_FMT_XBGR8888 || fourcc == GFX_FMT_ABGR8888) {
				r = p & 0xff;
				b = (p >> 16) & 0xff;
			} else {
				r = (p >> 16) & 0xff;
				b = p & 0xff;
			}
			g = (p >> 8) & 0xff;
		}
		*out++ = (uint8_t)r;
		*out++ = (uint8_t)g;
		*out++ = (uint8_t)b;
		if (format_has_alpha(fourcc))
			*out++ = (uint8_t)a;
	}
}

int png_write_scanout(struct device *d, const char *path, char *err, size_t err_len)
{
	struct scanout so = device_scanout(d);
	uint32_t offset = so.offset, stride = so.stride, format = so.format;
	uint32_t width = d->cfg.width, height = d->cfg.height;
	uint32_t bpp = engine_format_bpp(format), channels;
	png_image image;
	uint8_t *pixels;
	int ok;

	if (offset == 0) {
		snprintf(err, err_len, "no scanout: nothing has been flipped to the display yet");
		return -1;
	}
	if (!bpp || offset < GFX_VRAM_START || stride < width * bpp ||
	    (uint64_t)offset + (uint64_t)(height - 1) * stride + (uint64_t)width * bpp > d->cfg.vram_size) {
		snprintf(err, err_len, "scanout is inconsistent (offset %u stride %u format 0x%08x)",
			 offset, stride, format);
		return -1;
	}
	channels = format_has_alpha(format) ? 4 : 3;
	pixels = malloc((size_t)width * height * channels);
	if (!pixels) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (uint32_t y = 0; y < height; y++)
		convert_row(pixels + (size_t)y * width * channels,
			    d->bar2 + offset + (size_t)y * stride, width, format);

	memset(&image, 0, sizeof(image));
	image.version = PNG_IMAGE_VERSION;
	image.width = width;
	image.height = height;
	image.format = channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	ok = png_image_write_to_file(&image, path, 0, pixels, 0, NULL);
	free(pixels);
	if (!ok) {
		snprintf(err, err_len, "cannot write %s: %s", path, image.message);
		png_image_free(&image);
		return -1;
	}
	return 0;
}

static void *png_main(void *data)
{
	struct png_output *png = data;

	pthread_mutex_lock(&png->lock);
	while (!png->stop) {
		uint64_t seq;
		char path[4096], err[256];

		if (!png->want_seq) {
			pthread_cond_wait(&png->cond, &png->lock);
			continue;
		}
		seq = png->want_seq;
		png->want_seq = 0;
		png->busy = true;
		pthread_mutex_unlock(&png->lock);
		snprintf(path, sizeof(path), "%s/frame-%06llu.png", png->dir, (unsigned long long)seq);
		if (device_scanout(png->d).offset &&
		    png_write_scanout(png->d, path, err, sizeof(err)) < 0)
			fprintf(stderr, "gfx-device: png: %s\n", err);
		pthread_mutex_lock(&png->lock);
		png->busy = false;
	}
	pthread_mutex_unlock(&png->lock);
	return NULL;
}

struct png_output *png_output_create(struct device *d, const char *dir, char *err, size_t err_len)
{
	struct png_output *png;

	if (mkdir_p(dir) < 0) {
		snprintf(err, err_len, "cannot create %s: %s", dir, strerror(errno));
		return NULL;
	}
	png = calloc(1, sizeof(*png));
	if (!png || !(png->dir = strdup(dir))) {
		free(png);
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	png->d = d;
	pthread_mutex_init(&png->lock, NULL);
	pthread_cond_init(&png->cond, NULL);
	if (pthread_create(&png->thread, NULL, png_main, png)) {
		snprintf(err, err_len, "cannot start the png thread");
		free(png->dir);
		free(png);
		return NULL;
	}
	pthread_setname_np(png->thread, "gfx-png");
	return png;
}

int png_output_frame_now(struct png_output *png, uint64_t seq, char *path, size_t path_len,
			 char *err, size_t err_len)
{
	snprintf(path, path_len, "%s/frame-%06llu.png", png->dir, (unsigned long long)seq);
	return png_write_scanout(png->d, path, err, err_len);
}

void png_output_frame(struct png_output *png, uint64_t seq)
{
	pthread_mutex_lock(&png->lock);
	if (!png->busy) {
		png->want_seq = seq;
		pthread_cond_signal(&png->cond);
	}
	pthread_mutex_unlock(&png->lock);
}

void png_output_destroy(struct png_output *png)
{
	if (!png)
		return;
	pthread_mutex_lock(&png->lock);
	png->stop = true;
	pthread_cond_signal(&png->cond);
	pthread_mutex_unlock(&png->lock);
	pthread_join(png->thread, NULL);
	pthread_mutex_destroy(&png->lock);
	pthread_cond_destroy(&png->cond);
	free(png->dir);
	free(png);
}
