/* SPDX-License-Identifier: MIT */
/*
 * layout.c - `gfx-compositor --print-layout`: layout.h's numbers as shell
 * assignments (LAYOUT_NAME=value, colours as 0xRRGGBB), for scripts and
 * tests that must know where windows go and what colour the background is.
 */
#include <stdio.h>

#include "layout.h"

void layout_print(void)
{
	static const struct { const char *name; uint32_t value; } colours[] = {
		{ "BACKGROUND", BACKGROUND }, { "FRAME_ACTIVE", FRAME_ACTIVE },
		{ "FRAME_INACTIVE", FRAME_INACTIVE }, { "CLOSE_BUTTON", CLOSE_BUTTON },
	};
	static const struct { const char *name; int value; } numbers[] = {
		{ "TITLE_HEIGHT", TITLE_HEIGHT }, { "BORDER", BORDER }, { "CLOSE_SIZE", CLOSE_SIZE },
		{ "CLOSE_TOP", CLOSE_TOP }, { "CLOSE_RIGHT", CLOSE_RIGHT }, { "PLACE_X", PLACE_X },
		{ "PLACE_Y", PLACE_Y }, { "PLACE_STEP", PLACE_STEP }, { "PLACE_SLOTS", PLACE_SLOTS },
	};

	for (size_t i = 0; i < sizeof(colours) / sizeof(colours[0]); i++)
		printf("LAYOUT_%s=0x%06x\n", colours[i].name, colours[i].value & 0xffffffu);
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		printf("LAYOUT_%s=%d\n", numbers[i].name, numbers[i].value);
}
