/* SPDX-License-Identifier: MIT */
/*
 * ivshmem_server.h - the ivshmem server protocol (QEMU docs/specs/ivshmem-spec.rst).
 */
#ifndef DEVICE_IVSHMEM_SERVER_H
#define DEVICE_IVSHMEM_SERVER_H

#include "device.h"

/* The id given to the driver; the device itself is peer 0 (GFX_REG_DEVICE_PEER). */
#define IVSHMEM_CLIENT_ID	1
#define IVSHMEM_DEVICE_ID	0
#define IVSHMEM_PROTOCOL_VERSION 0

/* A connection is waiting on the listening socket: serve it or refuse it. */
void ivshmem_accept(struct device *d, int listen_fd);
/* The driver's socket is readable or hung up. */
void ivshmem_client_event(struct device *d);
/* Drop the driver (shutdown). */
void ivshmem_disconnect(struct device *d);

#endif /* DEVICE_IVSHMEM_SERVER_H */
