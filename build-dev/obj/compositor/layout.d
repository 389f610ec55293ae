build-dev/obj/compositor/layout.o: compositor/layout.c \
 compositor/layout.h libgfx/include/gfx.h include/gfx_hw.h
compositor/layout.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
