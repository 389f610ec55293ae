/* SPDX-License-Identifier: MIT */
/*
 * buffer.h - a surface's content: the copy of its wl_shm buffer in VRAM.
 *
 * On commit the damaged part that shows is copied into the surface's
 * buffer object and the wl_buffer is released at once, so the client may
 * reuse it while the GPU composites from VRAM. What is covered by opaque
 * windows is "stale": the wl_buffer is held until that part is uploaded
 * (the surface shows more of itself) or the client commits a new buffer.
 */
#ifndef COMPOSITOR_BUFFER_H
#define COMPOSITOR_BUFFER_H

#include <stdbool.h>
#include <pixman.h>

struct surface;
struct surface_state;

/*
 * Take st's new buffer: check it (a protocol error and false if it is
 * bad), give the surface a buffer object of its size and format, upload
 * what shows. bdamage gets what changed, in buffer coordinates.
 */
bool buffer_attach(struct surface *s, struct surface_state *st, pixman_region32_t *bdamage);
/* The surface has no content any more (NULL attached, or it is destroyed). */
void buffer_remove(struct surface *s);
/* Upload the stale parts that the last scene shows; damages them. */
void buffer_upload_newly_visible(struct surface *s);

#endif /* COMPOSITOR_BUFFER_H */
