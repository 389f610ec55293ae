build-dev/obj/tests/test_libgfx_faults.o: tests/test_libgfx_faults.c \
 tests/common/fixture.h libgfx/include/gfx.h include/gfx_hw.h \
 tests/harness.h
tests/common/fixture.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/harness.h:
