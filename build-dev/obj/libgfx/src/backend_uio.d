build-dev/obj/libgfx/src/backend_uio.o: libgfx/src/backend_uio.c \
 libgfx/src/internal.h libgfx/include/gfx.h include/gfx_hw.h \
 libgfx/src/backend.h libgfx/src/uio_sysfs.h
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
libgfx/src/uio_sysfs.h:
