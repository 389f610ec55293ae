// SPDX-License-Identifier: MIT
/*
 * unix_socket.c - listening unix sockets with clear errors.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unix_socket.h"

int unix_listen(const char *path, char *err, size_t err_len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(err, err_len, "socket path too long (%zu bytes, at most %zu): %s",
			 strlen(path), sizeof(addr.sun_path) - 1, path);
		return -1;
	}
	strcpy(addr.sun_path, path);

	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, err_len, "%s exists and is not a socket; not replacing it", path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
			close(probe);
			snprintf(err, err_len, "%s is in use by another process (another gfx-device?)", path);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);	/* stale: nobody listens */
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, err_len, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		snprintf(err, err_len, "cannot bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, 8) < 0) {
		snprintf(err, err_len, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}
