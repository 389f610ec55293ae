/* SPDX-License-Identifier: MIT */
/* format.c - pixel formats and error names. */
#include "internal.h"

GFX_EXPORT uint32_t gfx_format_bpp(uint32_t format)
{
	switch (format) {
	case GFX_FMT_XRGB8888:
	case GFX_FMT_ARGB8888:
	case GFX_FMT_XBGR8888:
	case GFX_FMT_ABGR8888:
		return 4;
	case GFX_FMT_RGB565:
		return 2;
	default:
		return 0;
	}
}

GFX_EXPORT const char *gfx_error_name(uint32_t code)
{
	static const char *const names[] = {
		[GFX_ERR_NONE] = "no error",
		[GFX_ERR_BAD_OPCODE] = "bad opcode",
		[GFX_ERR_BAD_LENGTH] = "bad command length",
		[GFX_ERR_SURFACE_OOB] = "surface outside the context's VRAM",
		[GFX_ERR_RECT_OOB] = "rectangle outside the surface",
		[GFX_ERR_ZERO_SIZE] = "zero size",
		[GFX_ERR_BAD_STRIDE] = "bad stride",
		[GFX_ERR_BAD_FORMAT] = "unsupported format",
		[GFX_ERR_BAD_RING] = "bad ring registers",
		[GFX_ERR_NO_SURFACE] = "no surface set",
		[GFX_ERR_BAD_MODE] = "flip surface does not match the mode",
		[GFX_ERR_PRIVILEGED] = "only the master context may flip or wait for vblank",
	};

	if (code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "unknown error";
}
