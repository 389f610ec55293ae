/* SPDX-License-Identifier: MIT */
/*
 * presentation.h - wp_presentation: when a frame reached the screen, from
 * the device's own flip record.
 */
#ifndef COMPOSITOR_PRESENTATION_H
#define COMPOSITOR_PRESENTATION_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server.h>

struct server;

#define PRESENTATION_VERSION 1

void presentation_init(struct server *s);
/*
 * Send presented (or discarded) to the feedbacks in the list, and free
 * them. period_ns is the refresh period; outputs the wl_output resources
 * for sync_output; flags the flip's GFX_PRESENT_* (the feedback's kinds).
 */
void presentation_send(struct wl_list *feedbacks, struct wl_list *outputs, bool presented,
		       uint64_t time_ns, uint64_t seq, uint64_t period_ns, uint32_t flags);
void presentation_discard_list(struct wl_list *feedbacks);
void presentation_move_list(struct wl_list *dst, struct wl_list *src);

#endif /* COMPOSITOR_PRESENTATION_H */
