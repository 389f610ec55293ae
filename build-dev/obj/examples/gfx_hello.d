build-dev/obj/examples/gfx_hello.o: examples/gfx_hello.c \
 libgfx/include/gfx.h include/gfx_hw.h
libgfx/include/gfx.h:
include/gfx_hw.h:
