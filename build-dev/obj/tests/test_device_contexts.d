build-dev/obj/tests/test_device_contexts.o: tests/test_device_contexts.c \
 tests/harness.h tests/common/devproto.h include/gfx_hw.h
tests/harness.h:
tests/common/devproto.h:
include/gfx_hw.h:
