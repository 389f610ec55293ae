/* SPDX-License-Identifier: MIT */
/*
 * acquire.h - commits that wait for their buffer's fence.
 *
 * A client rendering with its own GPU context names, per commit, the point
 * of its context's fence that must pass before the buffer may be read
 * (gfx_context_surface_v1.set_acquire_point). Such a commit, and every later
 * commit of the surface, waits until the fence passed: the surface keeps
 * showing its previous content, the compositor never shows a half-rendered
 * buffer, and a fence that never passes stalls that surface alone. The
 * fence is not read at the commit (the GPU has not run it yet): a timer
 * looks 2 ms after the first commit began to wait, then after 4, 8, ... up
 * to an output period while some surface waits, and the repaint looks
 * before it builds the scene. Each look reads each context's fence once for
 * all its waiting surfaces (from the master's context table, no system
 * call; on gfx_drm, a queue's with one GET_PARAM). Most commits so apply
 * early in the frame, not inside the repaint window (acquire.c).
 */
#ifndef COMPOSITOR_ACQUIRE_H
#define COMPOSITOR_ACQUIRE_H

#include <stdbool.h>

struct server;
struct surface;
struct surface_state;

int acquire_init(struct server *s);
void acquire_fini(struct server *s);
/* st's acquire point is allowed (its buffer is a context's); else a protocol error and false. */
bool acquire_check(struct surface *s, struct surface_state *st);
/* st has an acquire point: it waits for a look at the fence (the timer's or the repaint's). */
bool acquire_defer(struct surface_state *st);
/* s has waiting commits now: look at their fence from now on. */
void acquire_wait(struct surface *s);
/* Apply the waiting commits whose fence passed (the repaint, before it builds the scene). */
void acquire_poll(struct server *s);
/* s goes away. */
void acquire_forget(struct surface *s);

#endif /* COMPOSITOR_ACQUIRE_H */
