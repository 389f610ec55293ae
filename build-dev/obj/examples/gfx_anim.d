build-dev/obj/examples/gfx_anim.o: examples/gfx_anim.c \
 libgfx/include/gfx.h include/gfx_hw.h
libgfx/include/gfx.h:
include/gfx_hw.h:
