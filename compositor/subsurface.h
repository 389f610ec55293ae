/* SPDX-License-Identifier: MIT */
/*
 * subsurface.h - wl_subcompositor: the subsurface role.
 *
 * A subsurface is drawn relative to its parent, in the parent's sub_order
 * list. Synchronized subsurfaces keep their commits in a cache that the
 * parent's commit applies, so parent and children change atomically.
 */
#ifndef COMPOSITOR_SUBSURFACE_H
#define COMPOSITOR_SUBSURFACE_H

struct server;

#define SUBCOMPOSITOR_VERSION 1

void subcompositor_init(struct server *s);

#endif /* COMPOSITOR_SUBSURFACE_H */
