build-dev/obj/libgfx/src/api.o: libgfx/src/api.c libgfx/src/internal.h \
 libgfx/include/gfx.h include/gfx_hw.h libgfx/src/backend.h
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
