build-dev/obj/libgfx/src/device.o: libgfx/src/device.c \
 libgfx/src/internal.h libgfx/include/gfx.h include/gfx_hw.h \
 libgfx/src/backend.h
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
