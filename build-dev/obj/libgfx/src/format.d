build-dev/obj/libgfx/src/format.o: libgfx/src/format.c \
 libgfx/src/internal.h libgfx/include/gfx.h include/gfx_hw.h \
 libgfx/src/backend.h
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
