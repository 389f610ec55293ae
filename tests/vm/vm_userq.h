/* SPDX-License-Identifier: MIT */
/*
 * vm_userq.h - what the user-mode queue test programs share
 * (guest_drm_userq.c, guest_drm_userq_fence.c): a queue through the bare
 * uapi, a read that may fault, a sysfs write.
 */
#ifndef VM_USERQ_H
#define VM_USERQ_H

#include <sys/eventfd.h>
#include <sys/wait.h>

#include "vm_drm.h"

/* A user-mode queue on a render node of its own, made with USERQ_CREATE. */
struct rawq {
	int fd, ev;
	struct drm_gfx_userq_create q;
};

/* 0, or USERQ_CREATE's -errno (fd and ev are open either way: rawq_close). */
static inline int rawq_create(struct rawq *r)
{
	r->fd = must_open(true);
	r->ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->q = (struct drm_gfx_userq_create){ .eventfd = r->ev };
	return ioc(r->fd, DRM_IOCTL_GFX_USERQ_CREATE, &r->q);
}

/* The file's close takes the queue back. */
static inline void rawq_close(struct rawq *r)
{
	close(r->ev);
	close(r->fd);
}

/* The signal a child dies of when it reads *p (0: it read it and exited). */
static inline int read_signal(const volatile uint32_t *p)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		(void)*p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

/* s written whole to path (a sysfs file: bind, unbind); 0 or -1. */
static inline int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t w = fd < 0 ? -1 : write(fd, s, strlen(s));

	if (fd >= 0)
		close(fd);
	return w == (ssize_t)strlen(s) ? 0 : -1;
}

#endif /* VM_USERQ_H */
