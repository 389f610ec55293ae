/* SPDX-License-Identifier: MIT */
/*
 * open.c - the top of libgfx: a device opened by its spec, and closed. The
 * spec picks the driver (gfx.h): the user-mode driver through a backend
 * (direct, uio; umd/), gfx_drm (drm/), any KMS device (kms/), or QEMU's
 * virtio-gpu from user space (virtio/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "uio_sysfs.h"
#include "uio_vgpu.h"
#include "umd/backend.h"

/* What to do when nothing answers at spec: appended to the open error. */
static const char *advice(const char *spec)
{
	if (!strncmp(spec, "direct:", 7))
		return "start the device model first: gfx-device --socket PATH";
	if (!strncmp(spec, "virtio", 6))
		return "bind the device to the uio_vgpu stub, or to vfio-pci behind an IOMMU "
		       "(docs/virtio.md), and open it as root";
	if (!strncmp(spec, "uio", 3))
		return "load the stub (modprobe uio_gfx, docs/kernel.md) and check that you may "
		       "open /dev/uioN (group gfx)";
	return "load the DRM driver (modprobe gfx_drm, docs/drm.md) and check that you may "
	       "open the node (group video or render)";
}

/* The first gfx_drm node (render: renderD, else card) in path, or -ENOENT with err said. */
static int find_drm(bool render, char *path, size_t path_len, char *err, size_t len)
{
	int r = gfx_drm_find(path, path_len, render);

	if (r < 0)
		snprintf(err, len, "no gfx_drm device in /dev/dri");
	return r;
}

/* The specs of the user-mode driver: a backend, then gfx_umd_open; -EINVAL if none of them. */
static int open_umd_spec(const char *spec, struct gfx_device **out, char *err, size_t len)
{
	struct gfx_backend *be = NULL;
	char path[256];
	int r;

	if (!strncmp(spec, "direct:", 7)) {
		r = gfx_backend_direct_open(spec + 7, &be, err, len);
	} else if (!strncmp(spec, "uio:", 4)) {
		r = gfx_backend_uio_open(spec + 4, &be, err, len);
	} else if (!strcmp(spec, "uio")) {
		r = gfx_backend_uio_find(path, sizeof(path));
		if (r < 0)
			snprintf(err, len, "no uio_gfx device found in /sys/class/uio");
		else
			r = gfx_backend_uio_open(path, &be, err, len);
	} else if (!strncmp(spec, "drm-userq:", 10)) {
		r = gfx_backend_userq_open(spec + 10, &be, err, len);
	} else if (!strcmp(spec, "drm-userq")) {
		r = find_drm(true, path, sizeof(path), err, len);
		if (r == 0)
			r = gfx_backend_userq_open(path, &be, err, len);
	} else {
		snprintf(err, len, "bad device spec '%.60s': use direct:PATH, uio[:/dev/uioN], "
			 "drm[:NODE], drm-render, drm-userq[:NODE], kms[:/dev/dri/cardN], "
			 "virtio[:/dev/uioN] or virtio:vfio:BDF", spec);
		return -EINVAL;
	}
	if (r < 0)
		return r;
	r = gfx_umd_open(be, out);
	if (r < 0)
		snprintf(err, len, "%s", gfx_open_error());
	return r;
}

/* Open the device at an explicit spec. */
static int open_spec(const char *spec, struct gfx_device **out, char *err, size_t len)
{
	char path[256];
	int r;

	if (!strncmp(spec, "drm:", 4))
		return gfx_drm_open(spec + 4, out, err, len);
	if (!strncmp(spec, "kms:", 4))
		return gfx_kms_open(spec + 4, out, err, len);
	if (!strncmp(spec, "virtio:", 7))
		return gfx_virtio_open(spec + 7, out, err, len);
	if (!strcmp(spec, "virtio"))
		return gfx_virtio_open(NULL, out, err, len);
	if (!strcmp(spec, "kms")) {
		r = gfx_kms_find(path, sizeof(path));
		if (r < 0) {
			snprintf(err, len, "no KMS card with dumb buffers in /dev/dri");
			return r;
		}
		return gfx_kms_open(path, out, err, len);
	}
	if (!strcmp(spec, "drm") || !strcmp(spec, "drm-render")) {
		r = find_drm(spec[3] != 0, path, sizeof(path), err, len);
		return r < 0 ? r : gfx_drm_open(path, out, err, len);
	}
	return open_umd_spec(spec, out, err, len);
}

/*
 * No spec: $GFX_DEVICE, else our GPU (the first uio_gfx, else gfx_drm), else
 * gfx-device's socket if it is there, else a virtio-gpu someone bound to
 * uio_vgpu or to vfio-pci, else any KMS card (the CPU draws on these two).
 */
static const char *default_spec(char *buf, size_t len)
{
	const char *env = getenv("GFX_DEVICE"), *dir;
	char path[256];

	if (env && *env)
		return env;
	if (gfx_backend_uio_find(path, sizeof(path)) == 0)
		return "uio";
	if (gfx_drm_find(path, sizeof(path), false) == 0)
		return "drm";
	dir = getenv("XDG_RUNTIME_DIR");
	if (dir && *dir) {
		snprintf(buf, len, "direct:%s/gfx-device.sock", dir);
		if (access(buf + 7, F_OK) == 0 || gfx_kms_find(path, sizeof(path)) < 0)
			return buf;
	}
	if (gfx_virtio_find() == 0)
		return "virtio";
	return gfx_kms_find(path, sizeof(path)) == 0 ? "kms" : NULL;
}

GFX_EXPORT int gfx_open(const char *spec, struct gfx_device **out)
{
	char buf[300], err[256];
	int r;

	*out = NULL;
	err[0] = 0;
	gfx_set_error(NULL, 0, "%s", "");	/* no reason from an earlier open */
	if (!spec || !*spec)
		spec = default_spec(buf, sizeof(buf));
	if (!spec)
		return gfx_set_error(NULL, -ENOENT,
				     "no GPU: no uio_gfx or gfx_drm device, no KMS card, and "
				     "XDG_RUNTIME_DIR is unset for gfx-device's socket (set "
				     "GFX_DEVICE=direct:PATH, uio, drm or kms)");
	r = open_spec(spec, out, err, sizeof(err));
	if (r < 0) {
		bool absent = r == -ENOENT || r == -ECONNREFUSED || r == -ENODEV || r == -EACCES;

		gfx_set_error(NULL, r, "%.100s: %s%s%s", spec, err, absent ? "; " : "",
			      absent ? advice(spec) : "");
	}
	return r;
}

GFX_EXPORT void gfx_close(struct gfx_device *dev)
{
	if (dev)
		dev->drv->close(dev);
}
