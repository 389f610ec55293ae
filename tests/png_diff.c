/* SPDX-License-Identifier: MIT */
/*
 * png_diff.c - how many pixels differ between two screenshots (RGB, alpha
 * ignored), for scripts that must not decode PNGs in an interpreter (in the
 * VM guest, under TCG, that takes minutes).
 *
 * Usage: png-diff [--corner] A.png B.png [X,Y,WxH...]
 *   prints the count of differing pixels outside the rectangles given (a
 *   window that may change); exit 0, or 2 on a bad file, different sizes or
 *   a bad rectangle. --corner: B may be smaller, and is compared with A's
 *   top-left corner of B's size (a display that shrank).
 */
#include <string.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_MASKS 16

struct rect {
	long x, y, w, h;
};

static uint8_t *load(const char *path, uint32_t *w, uint32_t *h)
{
	png_image img = { .version = PNG_IMAGE_VERSION };
	uint8_t *px;

	if (!png_image_begin_read_from_file(&img, path)) {
		fprintf(stderr, "png-diff: %s: %s\n", path, img.message);
		return NULL;
	}
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "png-diff: %s: %s\n", path, img.message);
		free(px);
		return NULL;
	}
	*w = img.width;
	*h = img.height;
	return px;
}

static int masked(const struct rect *m, int n, long x, long y)
{
	for (int i = 0; i < n; i++)
		if (x >= m[i].x && x < m[i].x + m[i].w && y >= m[i].y && y < m[i].y + m[i].h)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t wa, ha, wb, hb;
	uint8_t *a, *b;
	uint64_t diff = 0;
	struct rect m[MAX_MASKS];
	int n = 0, corner = argc > 1 && strcmp(argv[1], "--corner") == 0;

	argv += corner;
	argc -= corner;
	if (argc < 3 || argc > 3 + MAX_MASKS) {
		fprintf(stderr, "usage: png-diff [--corner] A.png B.png [X,Y,WxH...]\n");
		return 2;
	}
	for (int i = 3; i < argc; i++, n++) {
		if (sscanf(argv[i], "%ld,%ld,%ldx%ld", &m[n].x, &m[n].y, &m[n].w, &m[n].h) != 4) {
			fprintf(stderr, "png-diff: bad rectangle '%s' (X,Y,WxH)\n", argv[i]);
			return 2;
		}
	}
	a = load(argv[1], &wa, &ha);
	b = load(argv[2], &wb, &hb);
	if (!a || !b || (corner ? wb > wa || hb > ha : wa != wb || ha != hb)) {
		if (a && b)
			fprintf(stderr, "png-diff: %ux%u vs %ux%u\n", wa, ha, wb, hb);
		return 2;
	}
	for (uint64_t y = 0; y < hb; y++) {
		for (uint64_t x = 0; x < wb; x++) {
			const uint8_t *pa = a + 3 * (y * wa + x), *pb = b + 3 * (y * wb + x);

			diff += (pa[0] != pb[0] || pa[1] != pb[1] || pa[2] != pb[2]) &&
				!masked(m, n, (long)x, (long)y);
		}
	}
	printf("%llu\n", (unsigned long long)diff);
	free(a);
	free(b);
	return 0;
}
