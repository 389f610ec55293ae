build-dev/obj/tests/test_libgfx_unit.o: tests/test_libgfx_unit.c \
 libgfx/include/gfx.h include/gfx_hw.h tests/harness.h
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/harness.h:
