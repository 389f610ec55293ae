/* SPDX-License-Identifier: MIT */
/*
 * input_evdev.h - the evdev devices of a directory (/dev/input), with
 * hotplug: an input source for the core, which gfx-compositor attaches.
 */
#ifndef COMPOSITOR_INPUT_EVDEV_H
#define COMPOSITOR_INPUT_EVDEV_H

struct server;
struct input_evdev;

/* Watch dir (it may appear later) and feed its keyboards and pointers to the server. */
struct input_evdev *input_evdev_create(struct server *s, const char *dir);
void input_evdev_destroy(struct input_evdev *in);

#endif /* COMPOSITOR_INPUT_EVDEV_H */
