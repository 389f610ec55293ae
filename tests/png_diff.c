/* SPDX-License-Identifier: MIT */
/*
 * png_diff.c - how many pixels differ between two screenshots (RGB, alpha
 * ignored), for scripts that must not decode PNGs in an interpreter (in the
 * VM guest, under TCG, that takes minutes).
 *
 * Usage: png-diff A.png B.png   prints the count; exit 0, or 2 on a bad file
 *                               or different sizes
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

int main(int argc, char **argv)
{
	uint32_t wa, ha, wb, hb;
	uint8_t *a, *b;
	uint64_t diff = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: png-diff A.png B.png\n");
		return 2;
	}
	a = load(argv[1], &wa, &ha);
	b = load(argv[2], &wb, &hb);
	if (!a || !b || wa != wb || ha != hb) {
		if (a && b)
			fprintf(stderr, "png-diff: %ux%u vs %ux%u\n", wa, ha, wb, hb);
		return 2;
	}
	for (uint64_t i = 0; i < (uint64_t)wa * ha; i++)
		diff += a[3 * i] != b[3 * i] || a[3 * i + 1] != b[3 * i + 1] ||
			a[3 * i + 2] != b[3 * i + 2];
	printf("%llu\n", (unsigned long long)diff);
	free(a);
	free(b);
	return 0;
}
