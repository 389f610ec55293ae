/* SPDX-License-Identifier: MIT */
/*
 * png_output.h - the scanout as PNG files: screenshots and the png:DIR display.
 */
#ifndef DEVICE_PNG_OUTPUT_H
#define DEVICE_PNG_OUTPUT_H

#include <stddef.h>

#include "device.h"

/* Write the current scanout to path; 0, or -1 with a message in err. */
int png_write_scanout(struct device *d, const char *path, char *err, size_t err_len);

/* The png:DIR display: a writer thread that takes frames when asked. */
struct png_output *png_output_create(struct device *d, const char *dir, char *err, size_t err_len);
/* Ask for frame DIR/frame-<seq>.png; skipped if the writer is still busy. */
void png_output_frame(struct png_output *png, uint64_t seq);
void png_output_destroy(struct png_output *png);
/* Write DIR/frame-<seq>.png now (gfx-ctl frame); the path goes to path. */
int png_output_frame_now(struct png_output *png, uint64_t seq, char *path, size_t path_len,
			 char *err, size_t err_len);

#endif /* DEVICE_PNG_OUTPUT_H */
