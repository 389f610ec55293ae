build-dev/obj/libgfx/src/backend_select.o: libgfx/src/backend_select.c \
 libgfx/src/internal.h libgfx/include/gfx.h include/gfx_hw.h \
 libgfx/src/backend.h
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
