/* SPDX-License-Identifier: MIT */
/*
 * unix_socket.h - listening unix sockets with clear errors.
 */
#ifndef DEVICE_UNIX_SOCKET_H
#define DEVICE_UNIX_SOCKET_H

#include <stddef.h>

/*
 * Listen on path. A stale socket left by a dead process is replaced; a
 * live one ("in use") or a non-socket file is an error. Returns the fd or
 * -1 with a message in err.
 */
int unix_listen(const char *path, char *err, size_t err_len);

#endif /* DEVICE_UNIX_SOCKET_H */
