build-dev/obj/tests/test_libgfx_clock.o: tests/test_libgfx_clock.c \
 tests/common/fixture.h libgfx/include/gfx.h include/gfx_hw.h \
 tests/harness.h
tests/common/fixture.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/harness.h:
