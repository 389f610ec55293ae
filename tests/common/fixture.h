/* SPDX-License-Identifier: MIT */
/*
 * fixture.h - a GPU for libgfx tests.
 *
 * fixture_start() runs the build's gfx-device (found as ../bin/ next to the
 * test binary) on a socket in a fresh temp dir with --display none, and
 * fixture_stop() kills it. If $GFX_DEVICE is set, the tests use that device
 * instead (e.g. GFX_DEVICE=uio in a VM): then there is no process to kill,
 * and gfx-ctl is whatever $GFX_CTL names (a command that takes gfx-ctl's
 * arguments after it, like tests/vm/guest-ctl.sh, which forwards them from
 * a VM guest to the host); cases needing what is missing SKIP.
 */
#ifndef TEST_FIXTURE_H
#define TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "gfx.h"

#define SEC 1000000000LL
#define MS 1000000LL

/* OK(call): REQUIRE (harness.h) that a libgfx call on `dev` succeeded. */
#define OK(call) do {								\
	int r_ = (call);							\
	REQUIRE(r_ >= 0, "%s = %d: %s", #call, r_, gfx_last_error(dev));	\
} while (0)

struct fixture {
	bool external;		/* $GFX_DEVICE: not ours to kill */
	char ctl[512];		/* external: $GFX_CTL, the gfx-ctl command for it ("" = none) */
	pid_t pid;		/* gfx-device */
	char dir[64];
	char sock[128];
	char spec[256];		/* for gfx_open() */
	char bin[512];		/* build/bin */
};

/* Start a device; extra: more gfx-device arguments ("--mode 320x240@20") or NULL. */
int fixture_start(struct fixture *f, const char *extra);
/* Start our own device even when $GFX_DEVICE is set (cases that kill it). */
int fixture_start_own(struct fixture *f, const char *extra);
void fixture_stop(struct fixture *f);
/* Kill the device with a signal, without cleaning up; returns 0 if killed. */
int fixture_kill(struct fixture *f, int sig);
/* Open the device (retrying while it starts listening); NULL with a message on stderr. */
struct gfx_device *fixture_open(struct fixture *f);
/*
 * NULL if fixture_ctl() can reach the device: ours, or an external one with
 * $GFX_CTL; else why not, for SKIP().
 */
const char *fixture_no_ctl(const struct fixture *f);
/*
 * Run gfx-ctl with args (a shell command line's words; quote paths); exit
 * status, or -1 (also without gfx-ctl, see fixture_no_ctl). Output to out if given.
 */
int fixture_ctl(struct fixture *f, char *out, size_t out_len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A screenshot through gfx-ctl as ARGB8888 pixels (malloc'd); 0 or -1. */
int fixture_screenshot(struct fixture *f, uint32_t **pixels, uint32_t *w, uint32_t *h);

/* The register page, from any buffer object's mapping (tests only). */
static inline volatile uint8_t *fixture_regs(const struct gfx_bo *bo)
{
	return (volatile uint8_t *)bo->map - bo->offset;
}

static inline uint32_t fixture_reg32(const struct gfx_bo *bo, uint32_t off)
{
	return __atomic_load_n((const uint32_t *)(fixture_regs(bo) + off), __ATOMIC_ACQUIRE);
}

static inline uint64_t fixture_reg64(const struct gfx_bo *bo, uint32_t off)
{
	return __atomic_load_n((const uint64_t *)(fixture_regs(bo) + off), __ATOMIC_ACQUIRE);
}

int64_t fixture_now_ns(void);

/*
 * True on the kernel's DRM driver (GFX_DEVICE=drm...): the kernel owns the
 * ring and the register page, so fixture_regs() and raw ring tricks do not
 * apply; the public API (gfx_get_info) tells the same counters.
 */
bool fixture_is_drm(struct gfx_device *dev);
/*
 * True where the register page is mapped below every buffer (fixture_regs):
 * the user-mode driver (direct, uio). Not on drm (the kernel's) or kms (a
 * KMS device with no GPU of ours: the CPU draws).
 */
bool fixture_has_regs(struct gfx_device *dev);
/* gfx_get_info(), REQUIREd to succeed by the caller's harness; 0 or -1. */
int fixture_info(struct gfx_device *dev, struct gfx_info *info);

#endif /* TEST_FIXTURE_H */
