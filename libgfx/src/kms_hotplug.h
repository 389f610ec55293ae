/* SPDX-License-Identifier: MIT */
/*
 * kms_hotplug.h - a DRM card's hotplug events, from the kernel's uevents
 * (a NETLINK_KOBJECT_UEVENT socket, as udev's "kernel" monitor; no udevd
 * needed, no privilege: anyone may listen). The kernel sends
 * "change@.../drm/cardN" with HOTPLUG=1 when a driver's connectors may have
 * changed (drm_kms_helper_hotplug_event: virtio_gpu after every display
 * event of the device, i915 and amdgpu on a plug or unplug), and the reader
 * then probes the connectors again.
 */
#ifndef GFX_KMS_HOTPLUG_H
#define GFX_KMS_HOTPLUG_H

#include <stdbool.h>
#include <sys/types.h>

/* The socket, nonblocking; -errno (then the card's hotplugs go unseen). */
int kms_hotplug_open(void);
/*
 * Read what the socket holds now, without blocking: true if one of the
 * messages was a hotplug of the card whose device number is card.
 */
bool kms_hotplug_read(int fd, dev_t card);

#endif /* GFX_KMS_HOTPLUG_H */
