build-dev/obj/tests/common/devproto.o: tests/common/devproto.c \
 tests/common/devproto.h include/gfx_hw.h
tests/common/devproto.h:
include/gfx_hw.h:
