/* SPDX-License-Identifier: MIT */
/*
 * uio_sysfs.h - finding UIO devices in sysfs by name, their maps, and which
 * PCI function they belong to: the uio_gfx stub's (one per hardware context,
 * GFX_UIO_NAME the master's, GFX_UIO_CTX_NAME_FMT client context n's) for
 * the user-mode driver, the uio_vgpu stub's for the virtio driver.
 */
#ifndef GFX_UIO_SYSFS_H
#define GFX_UIO_SYSFS_H

#include <stddef.h>
#include <stdint.h>

/* A small attribute of dir, without the newline; 0 or -errno. */
int uio_read_attr(const char *dir, const char *name, char *buf, size_t len);
int uio_read_attr_u64(const char *dir, const char *name, uint64_t *val);
/* The sysfs directory of the UIO node open as fd; 0, or -ENODEV with a message. */
int uio_sysdir(int fd, char *dir, size_t len, char *err, size_t err_len);
/* The lowest "/dev/uioN" whose UIO device is called name; 0 or -ENOENT. */
int uio_find_node(const char *name, char *path, size_t len);
/* Index (0..4) of the map called name in sysdir, its size and in-page offset; or -ENOENT. */
int uio_find_map(const char *sysdir, const char *name, uint64_t *size, uint64_t *offs);
/*
 * "/dev/uioN" of client context ctx's node on the same PCI function as the
 * master's node at master_sysdir; 0 or -ENOENT.
 */
int uio_context_node(const char *master_sysdir, uint32_t ctx, char *path, size_t len);

#endif /* GFX_UIO_SYSFS_H */
