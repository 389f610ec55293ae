/* SPDX-License-Identifier: MIT */
/*
 * gpu_context.h - gfx_context_manager_v1 (protocol/gfx-context-v1.xml): the
 * compositor hands its GPU's client contexts to clients, makes wl_buffers of
 * VRAM in a client's window (checked), and keeps the acquire points of
 * surfaces' commits. Offered when the compositor drives the GPU itself (its
 * master context) and the GPU has client contexts.
 */
#ifndef COMPOSITOR_GPU_CONTEXT_H
#define COMPOSITOR_GPU_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

struct server;

#define GPU_CONTEXT_MANAGER_VERSION 1

void gpu_context_init(struct server *s);
/* The context's completed fence into *done: read from the master's register page on uio,
 * one GET_PARAM on gfx_drm. False for no such context. */
bool gpu_context_fence(struct server *s, int context, uint64_t *done);

#endif /* COMPOSITOR_GPU_CONTEXT_H */
