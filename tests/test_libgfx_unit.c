/* SPDX-License-Identifier: MIT */
/* test_libgfx_unit.c - libgfx logic that needs no device. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "gfx.h"
#include "gfx_hw.h"
#include "harness.h"

TEST_STATE_DEFINE;

static void seqno_wrap(void *arg)
{
	CHECK(gfx_seqno_passed(5, 5));
	CHECK(gfx_seqno_passed(6, 5));
	CHECK(!gfx_seqno_passed(4, 5));
	/* Across the 64-bit wrap: UINT64_MAX comes before 0 and 1. */
	CHECK(gfx_seqno_passed(0, UINT64_MAX));
	CHECK(gfx_seqno_passed(2, UINT64_MAX - 3));
	CHECK(!gfx_seqno_passed(UINT64_MAX, 0));
	CHECK(!gfx_seqno_passed(UINT64_MAX - 3, 2));
	CHECK(gfx_seqno_passed(UINT64_MAX, UINT64_MAX - 1));
	/* Half the space apart is the limit of the comparison. */
	CHECK(gfx_seqno_passed(UINT64_C(1) << 62, 0));
	CHECK(!gfx_seqno_passed(0, UINT64_C(1) << 62));
}

static void formats(void *arg)
{
	CHECK(gfx_format_bpp(GFX_FMT_XRGB8888) == 4);
	CHECK(gfx_format_bpp(GFX_FMT_ARGB8888) == 4);
	CHECK(gfx_format_bpp(GFX_FMT_XBGR8888) == 4);
	CHECK(gfx_format_bpp(GFX_FMT_ABGR8888) == 4);
	CHECK(gfx_format_bpp(GFX_FMT_RGB565) == 2);
	CHECK(gfx_format_bpp(GFX_FOURCC('N', 'V', '1', '2')) == 0);
}

static void error_names(void *arg)
{
	CHECK(!strcmp(gfx_error_name(GFX_ERR_BAD_OPCODE), "bad opcode"));
	CHECK(!strcmp(gfx_error_name(GFX_ERR_RECT_OOB), "rectangle outside the surface"));
	CHECK(!strcmp(gfx_error_name(9999), "unknown error"));
	for (uint32_t c = 0; c <= GFX_ERR_BAD_MODE; c++)
		CHECK(strcmp(gfx_error_name(c), "unknown error"), "code %u", c);
}

static void open_errors(void *arg)
{
	struct gfx_device *dev = (void *)1;

	CHECK(gfx_open("bogus:thing", &dev) == -EINVAL);
	CHECK(dev == NULL);
	CHECK(strstr(gfx_last_error(NULL), "bad device spec"), "%s", gfx_last_error(NULL));

	CHECK(gfx_open("direct:/nonexistent/gpu.sock", &dev) == -ENOENT);
	CHECK(strstr(gfx_last_error(NULL), "is gfx-device running?"), "%s", gfx_last_error(NULL));

	/* A regular file is not a socket: a clear error, not a hang. */
	CHECK(gfx_open("direct:/proc/self/exe", &dev) < 0);
	CHECK(gfx_last_error(NULL)[0] != 0);

	/* uio without a uio_gfx device fails cleanly (ENOENT or ENOSYS). */
	int r = gfx_open("uio:/dev/nonexistent-uio", &dev);
	CHECK(r < 0);
	CHECK(gfx_last_error(NULL)[0] != 0);

	/* A user-mode queue on a node that is not gfx_drm, or none: clear errors. */
	CHECK(gfx_open("drm-userq:/dev/null", &dev) == -ENODEV);
	CHECK(strstr(gfx_last_error(NULL), "/dev/null is not gfx_drm"), "%s", gfx_last_error(NULL));
	CHECK(gfx_open("drm-userq:/nonexistent/renderD128", &dev) == -ENOENT);
	CHECK(strstr(gfx_last_error(NULL), "modprobe gfx_drm"), "%s", gfx_last_error(NULL));

	/* NULL spec: $GFX_DEVICE decides. */
	setenv("GFX_DEVICE", "direct:/nonexistent/x.sock", 1);
	CHECK(gfx_open(NULL, &dev) == -ENOENT);
	CHECK(strstr(gfx_last_error(NULL), "/nonexistent/x.sock"), "%s", gfx_last_error(NULL));
	unsetenv("GFX_DEVICE");
}

int main(void)
{
	run_test("unit_seqno_wrap", seqno_wrap, NULL);
	run_test("unit_formats", formats, NULL);
	run_test("unit_error_names", error_names, NULL);
	run_test("unit_open_errors", open_errors, NULL);
	return TEST_EXIT();
}
