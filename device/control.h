/* SPDX-License-Identifier: MIT */
/*
 * control.h - the control endpoint (PATH.ctl) that gfx-ctl talks to.
 *
 * One request line per connection ("CMD ARGS\n"); the reply is "ok ..."
 * or "error: ...", possibly followed by more lines, then the device
 * closes the connection.
 */
#ifndef DEVICE_CONTROL_H
#define DEVICE_CONTROL_H

#include <poll.h>

#include "device.h"

#define CONTROL_MAX_CLIENTS 8

struct control;

struct control *control_create(struct device *d, int listen_fd);
void control_destroy(struct control *c);
/* Fill pollfds (listen socket first, then clients); returns how many. */
int control_pollfds(struct control *c, struct pollfd *pfd);
/* Handle the revents of what control_pollfds filled. */
void control_dispatch(struct control *c, const struct pollfd *pfd, int n);

#endif /* DEVICE_CONTROL_H */
