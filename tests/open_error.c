/* SPDX-License-Identifier: MIT */
/*
 * open_error.c - prints libgfx's own message for a failed gfx_open(SPEC),
 * what every program that opens the GPU must show (tests/open_errors.sh).
 *
 * Usage: open-error SPEC   (exit 1 with the message, 0 if SPEC opened)
 */
#include <stdio.h>

#include "gfx.h"

int main(int argc, char **argv)
{
	struct gfx_device *dev;

	if (argc != 2)
		return 2;
	if (gfx_open(argv[1], &dev) == 0) {
		gfx_close(dev);
		return 0;
	}
	puts(gfx_last_error(NULL));
	return 1;
}
