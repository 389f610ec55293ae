build-dev/obj/libgfx/src/clock.o: libgfx/src/clock.c \
 libgfx/src/internal.h libgfx/include/gfx.h include/gfx_hw.h \
 libgfx/src/backend.h
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
