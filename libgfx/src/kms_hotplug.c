/* SPDX-License-Identifier: MIT */
/* kms_hotplug.c - a DRM card's hotplug uevents (kms_hotplug.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "kms_hotplug.h"

/* The kernel's own uevents (udev re-broadcasts them on group 2, with its own header). */
#define KMS_UEVENT_GROUP_KERNEL	1u
/* A uevent is at most UEVENT_BUFFER_SIZE (2048) bytes of "KEY=value\0" after its header. */
#define KMS_UEVENT_MAX		4096

int kms_hotplug_open(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = KMS_UEVENT_GROUP_KERNEL };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* The value of key in a uevent's "KEY=value\0..." list, or NULL. */
static const char *field(const char *msg, size_t len, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = msg; p < msg + len; p += strlen(p) + 1)
		if (strncmp(p, key, k) == 0 && p[k] == '=')
			return p + k + 1;
	return NULL;
}

/* A "change" of a DRM device with HOTPLUG=1 and card's major and minor. */
static bool is_card_hotplug(const char *msg, size_t len, dev_t card)
{
	const char *action = field(msg, len, "ACTION"), *sub = field(msg, len, "SUBSYSTEM");
	const char *hp = field(msg, len, "HOTPLUG");
	const char *maj = field(msg, len, "MAJOR"), *min = field(msg, len, "MINOR");

	return action && sub && hp && maj && min && strcmp(action, "change") == 0 &&
	       strcmp(sub, "drm") == 0 && strcmp(hp, "1") == 0 &&
	       strtoul(maj, NULL, 10) == major(card) && strtoul(min, NULL, 10) == minor(card);
}

bool kms_hotplug_read(int fd, dev_t card)
{
	char buf[KMS_UEVENT_MAX + 1];
	struct sockaddr_nl from;
	bool hit = false;
	ssize_t n;

	for (;;) {
		socklen_t flen = sizeof(from);

		n = recvfrom(fd, buf, KMS_UEVENT_MAX, 0, (struct sockaddr *)&from, &flen);
		if (n < 0)	/* EAGAIN: all read; ENOBUFS: some were lost, so probe */
			return hit || errno == ENOBUFS;
		buf[n] = '\0';
		/* Only the kernel (port 0) speaks on the group: a process could forge the rest. */
		if (from.nl_pid == 0 && is_card_hotplug(buf, (size_t)n, card))
			hit = true;
	}
}
