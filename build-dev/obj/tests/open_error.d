build-dev/obj/tests/open_error.o: tests/open_error.c libgfx/include/gfx.h \
 include/gfx_hw.h
libgfx/include/gfx.h:
include/gfx_hw.h:
