/* SPDX-License-Identifier: MIT */
/*
 * input_evdev.c - keyboards and pointers from /dev/input/event* through
 * libevdev, with hotplug (inotify on the directory), into evdev.c and on
 * to the input seam (input_evdev.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libevdev/libevdev.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core.h"
#include "evdev.h"
#include "input_evdev.h"
#include "util.h"

struct evdev_dev {
	struct input_evdev *in;
	struct wl_list link;
	char *path;
	int fd;
	struct libevdev *dev;
	struct wl_event_source *source;
	struct evdev_accum acc;
};

struct input_evdev {
	struct server *server;
	char *dir;
	int inotify_fd;
	int dir_wd;			/* watch on dir, -1 until it exists */
	int parent_wd;			/* watch on dir's parent while dir is missing */
	struct wl_event_source *inotify_source;
	struct wl_list devices;
};

static void device_remove(struct evdev_dev *d)
{
	log_msg("input: removed %s", d->path);
	wl_list_remove(&d->link);
	wl_event_source_remove(d->source);
	libevdev_free(d->dev);
	close(d->fd);
	free(d->path);
	free(d);
}

static int on_device(int fd, uint32_t mask, void *data)
{
	struct evdev_dev *d = data;
	struct input_event ev;
	int rc;

	for (;;) {
		rc = libevdev_next_event(d->dev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
		if (rc == LIBEVDEV_READ_STATUS_SYNC) {
			/* Dropped events: drain the sync state, then go on. */
			while (rc == LIBEVDEV_READ_STATUS_SYNC)
				rc = libevdev_next_event(d->dev, LIBEVDEV_READ_FLAG_SYNC, &ev);
			continue;
		}
		if (rc != LIBEVDEV_READ_STATUS_SUCCESS)
			break;
		evdev_feed(d->in->server, &d->acc, ev.type, ev.code, ev.value);
	}
	if (rc == -ENODEV || (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)))
		device_remove(d);
	return 0;
}

static void device_add(struct input_evdev *in, const char *name)
{
	char path[PATH_MAX];
	struct evdev_dev *d;
	int fd;

	if (strncmp(name, "event", 5) != 0)
		return;
	snprintf(path, sizeof(path), "%s/%s", in->dir, name);
	wl_list_for_each(d, &in->devices, link)
		if (!strcmp(d->path, path))
			return;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_msg("input: cannot open %s: %s", path, strerror(errno));
		return;
	}
	d = calloc(1, sizeof(*d));
	if (!d || libevdev_new_from_fd(fd, &d->dev) < 0) {
		free(d);
		close(fd);
		return;
	}
	bool keyboard = libevdev_has_event_code(d->dev, EV_KEY, KEY_A);
	bool pointer = libevdev_has_event_code(d->dev, EV_REL, REL_X) ||
		       libevdev_has_event_code(d->dev, EV_ABS, ABS_X);
	if (!keyboard && !pointer) {
		libevdev_free(d->dev);
		free(d);
		close(fd);
		return;
	}
	if (libevdev_has_event_code(d->dev, EV_ABS, ABS_X)) {
		d->acc.abs_min_x = libevdev_get_abs_minimum(d->dev, ABS_X);
		d->acc.abs_max_x = libevdev_get_abs_maximum(d->dev, ABS_X);
		d->acc.abs_min_y = libevdev_get_abs_minimum(d->dev, ABS_Y);
		d->acc.abs_max_y = libevdev_get_abs_maximum(d->dev, ABS_Y);
	}
	d->in = in;
	d->fd = fd;
	d->path = strdup(path);
	d->source = wl_event_loop_add_fd(in->server->loop, fd, WL_EVENT_READABLE, on_device, d);
	wl_list_insert(&in->devices, &d->link);
	log_msg("input: %s (%s)%s%s", path, libevdev_get_name(d->dev),
		keyboard ? " keyboard" : "", pointer ? " pointer" : "");
}

/* Watch dir and add what is in it; returns false if it does not exist yet. */
static bool watch_dir(struct input_evdev *in)
{
	DIR *dp;
	struct dirent *de;

	in->dir_wd = inotify_add_watch(in->inotify_fd, in->dir, IN_CREATE | IN_ATTRIB);
	if (in->dir_wd < 0)
		return false;
	dp = opendir(in->dir);
	if (dp) {
		while ((de = readdir(dp)))
			device_add(in, de->d_name);
		closedir(dp);
	}
	return true;
}

/* Until dir exists (again): watch its parent for it. */
static void watch_parent(struct input_evdev *in)
{
	char *parent = strdup(in->dir), *slash = parent ? strrchr(parent, '/') : NULL;

	if (slash)
		*(slash == parent ? slash + 1 : slash) = 0;
	in->parent_wd = inotify_add_watch(in->inotify_fd, slash ? parent : ".", IN_CREATE);
	free(parent);
}

static int on_inotify(int fd, uint32_t mask, void *data)
{
	struct input_evdev *in = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char *base = strrchr(in->dir, '/') ? strrchr(in->dir, '/') + 1 : in->dir;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			p += sizeof(*ev) + ev->len;
			/* devtmpfs removes /dev/input with its last device: wait for it again. */
			if (ev->wd == in->dir_wd && (ev->mask & IN_IGNORED)) {
				log_msg("input: %s went away, watching for it", in->dir);
				in->dir_wd = -1;
				watch_parent(in);
				continue;
			}
			if (!ev->len || !(ev->mask & (IN_CREATE | IN_ATTRIB)))
				continue;
			if (ev->wd == in->dir_wd) {
				device_add(in, ev->name);
			} else if (ev->wd == in->parent_wd && in->dir_wd < 0 &&
				   !strcmp(ev->name, base) && watch_dir(in)) {
				log_msg("input: %s appeared, watching it", in->dir);
				inotify_rm_watch(fd, in->parent_wd);
				in->parent_wd = -1;
			}
		}
	}
	return 0;
}

struct input_evdev *input_evdev_create(struct server *s, const char *dir)
{
	struct input_evdev *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->server = s;
	in->dir = strdup(dir);
	wl_list_init(&in->devices);
	in->dir_wd = in->parent_wd = -1;
	in->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (in->inotify_fd < 0) {
		log_msg("input: no hotplug (inotify: %s)", strerror(errno));
	} else if (!watch_dir(in)) {
		/* Devices may come later (a module loads): watch for the directory. */
		int err = errno;

		watch_parent(in);
		log_msg("input: no %s (%s): input comes from the GPU's input path "
			"(gfx-device window or gfx-ctl) until it appears", dir, strerror(err));
	} else if (wl_list_empty(&in->devices)) {
		log_msg("input: no usable keyboard or pointer in %s yet (watching for hotplug)", dir);
	}
	if (in->inotify_fd >= 0)
		in->inotify_source = wl_event_loop_add_fd(s->loop, in->inotify_fd, WL_EVENT_READABLE,
							  on_inotify, in);
	return in;
}

void input_evdev_destroy(struct input_evdev *in)
{
	struct evdev_dev *d, *tmp;

	if (!in)
		return;
	wl_list_for_each_safe(d, tmp, &in->devices, link)
		device_remove(d);
	if (in->inotify_source)
		wl_event_source_remove(in->inotify_source);
	if (in->inotify_fd >= 0)
		close(in->inotify_fd);
	free(in->dir);
	free(in);
}
