build-dev/obj/tests/test_libgfx.o: tests/test_libgfx.c \
 /usr/include/pixman-1/pixman.h /usr/include/pixman-1/pixman-version.h \
 tests/common/fixture.h libgfx/include/gfx.h include/gfx_hw.h \
 tests/harness.h
/usr/include/pixman-1/pixman.h:
/usr/include/pixman-1/pixman-version.h:
tests/common/fixture.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/harness.h:
