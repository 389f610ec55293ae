/* SPDX-License-Identifier: MIT */
/*
 * render.h - a frame's GPU commands: the damaged part of a scene drawn
 * into a scanout buffer, the cursor last.
 */
#ifndef COMPOSITOR_RENDER_H
#define COMPOSITOR_RENDER_H

#include <pixman.h>

#include "gfx.h"

struct server;
struct scene;

/* Draw region damage of the scene into fb; 0 or -errno (nothing is submitted). */
int render_frame(struct server *s, struct gfx_bo *fb, struct scene *sc, pixman_region32_t *damage);

#endif /* COMPOSITOR_RENDER_H */
