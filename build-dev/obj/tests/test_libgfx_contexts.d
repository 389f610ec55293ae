build-dev/obj/tests/test_libgfx_contexts.o: tests/test_libgfx_contexts.c \
 tests/common/fixture.h libgfx/include/gfx.h include/gfx_hw.h \
 tests/harness.h
tests/common/fixture.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/harness.h:
