/* SPDX-License-Identifier: MIT */
/*
 * backend_select.c - weak fallbacks for the uio backend.
 *
 * backend_uio.c (the uio backend, written separately) defines these
 * strongly and then wins at link time. Until it exists, the library still
 * links and "uio" specs fail cleanly with -ENOSYS.
 */
#include <stdio.h>

#include "internal.h"
#include "backend.h"

__attribute__((weak)) int gfx_backend_uio_open(const char *dev_path, struct gfx_backend **out,
					       char *err, size_t err_len)
{
	*out = NULL;
	snprintf(err, err_len, "%s: the uio backend is not built into this libgfx", dev_path);
	return -ENOSYS;
}

__attribute__((weak)) int gfx_backend_uio_find(char *path, size_t path_len)
{
	return -ENOENT;
}

__attribute__((weak)) int gfx_backend_uio_adopt(struct gfx_context_handle *h, struct gfx_backend **out,
						char *err, size_t err_len)
{
	*out = NULL;
	gfx_context_handle_close(h);
	snprintf(err, err_len, "the uio backend is not built into this libgfx");
	return -ENOSYS;
}
