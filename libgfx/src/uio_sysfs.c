/* SPDX-License-Identifier: MIT */
/* uio_sysfs.c - UIO devices and their maps in sysfs (uio_sysfs.h). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"
#include "uio_sysfs.h"

int uio_read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

int uio_read_attr_u64(const char *dir, const char *name, uint64_t *val)
{
	char buf[64], *end;
	int r = uio_read_attr(dir, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	*val = strtoull(buf, &end, 0);
	return end == buf ? -EINVAL : 0;
}

int uio_sysdir(int fd, char *dir, size_t len, char *err, size_t err_len)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		snprintf(err, err_len, "not a character device");
		return -ENODEV;
	}
	snprintf(dir, len, "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

int uio_find_map(const char *sysdir, const char *name, uint64_t *size, uint64_t *offs)
{
	for (int i = 0; i < 5; i++) {	/* MAX_UIO_MAPS */
		char dir[PATH_MAX], n[64];

		snprintf(dir, sizeof(dir), "%s/maps/map%d", sysdir, i);
		if (uio_read_attr(dir, "name", n, sizeof(n)) < 0 || strcmp(n, name) != 0)
			continue;
		if (uio_read_attr_u64(dir, "size", size) < 0)
			*size = 0;
		if (uio_read_attr_u64(dir, "offset", offs) < 0)
			*offs = 0;
		return i;
	}
	return -ENOENT;
}

/* The PCI function a UIO device belongs to: its "device" link, resolved. */
static bool same_parent(const char *a, const char *b)
{
	char pa[PATH_MAX], pb[PATH_MAX], la[PATH_MAX + 8], lb[PATH_MAX + 8];

	snprintf(la, sizeof(la), "%s/device", a);
	snprintf(lb, sizeof(lb), "%s/device", b);
	return realpath(la, pa) && realpath(lb, pb) && strcmp(pa, pb) == 0;
}

int uio_context_node(const char *master_sysdir, uint32_t ctx, char *path, size_t len)
{
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	char want[32];
	int found = -1;

	if (!d)
		return -ENOENT;
	snprintf(want, sizeof(want), GFX_UIO_CTX_NAME_FMT, ctx);
	while (found < 0 && (e = readdir(d))) {
		char dir[PATH_MAX], name[64];
		int n;

		if (sscanf(e->d_name, "uio%d", &n) != 1)
			continue;
		snprintf(dir, sizeof(dir), "/sys/class/uio/%s", e->d_name);
		if (uio_read_attr(dir, "name", name, sizeof(name)) == 0 && strcmp(name, want) == 0 &&
		    same_parent(dir, master_sysdir))
			found = n;
	}
	closedir(d);
	if (found < 0)
		return -ENOENT;
	snprintf(path, len, "/dev/uio%d", found);
	return 0;
}

int uio_find_node(const char *want, char *path, size_t len)
{
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	int best = -1;

	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char dir[PATH_MAX], name[64];
		int n;

		if (sscanf(e->d_name, "uio%d", &n) != 1)
			continue;
		snprintf(dir, sizeof(dir), "/sys/class/uio/%s", e->d_name);
		if (uio_read_attr(dir, "name", name, sizeof(name)) == 0 && strcmp(name, want) == 0 &&
		    (best < 0 || n < best))
			best = n;
	}
	closedir(d);
	if (best < 0)
		return -ENOENT;
	snprintf(path, len, "/dev/uio%d", best);
	return 0;
}
