/* SPDX-License-Identifier: MIT */
/*
 * decoration.h - zxdg_decoration_manager_v1: server-side title bars (the
 * toplevel's ssd flag, drawn by render.c).
 */
#ifndef COMPOSITOR_DECORATION_H
#define COMPOSITOR_DECORATION_H

struct server;

#define DECORATION_MANAGER_VERSION 1

void decoration_init(struct server *s);

#endif /* COMPOSITOR_DECORATION_H */
