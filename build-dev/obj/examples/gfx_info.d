build-dev/obj/examples/gfx_info.o: examples/gfx_info.c \
 libgfx/include/gfx.h include/gfx_hw.h
libgfx/include/gfx.h:
include/gfx_hw.h:
