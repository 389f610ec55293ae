build-dev/obj/tests/test_libgfx_display.o: tests/test_libgfx_display.c \
 tests/common/fixture.h libgfx/include/gfx.h include/gfx_hw.h \
 tests/harness.h
tests/common/fixture.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/harness.h:
