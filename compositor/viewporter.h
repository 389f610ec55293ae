/* SPDX-License-Identifier: MIT */
/*
 * viewporter.h - wp_viewporter: crop and scale of a surface.
 */
#ifndef COMPOSITOR_VIEWPORTER_H
#define COMPOSITOR_VIEWPORTER_H

#include <stdbool.h>
#include <stdint.h>

struct server;

#define VIEWPORTER_VERSION 1
struct surface;
struct surface_state;

void viewporter_init(struct server *s);
/* Check the viewport state against the buffer at commit; false after a protocol error. */
bool viewport_validate(struct surface *s, struct surface_state *st, uint32_t buf_w, uint32_t buf_h);

#endif /* COMPOSITOR_VIEWPORTER_H */
