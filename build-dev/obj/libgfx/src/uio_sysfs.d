build-dev/obj/libgfx/src/uio_sysfs.o: libgfx/src/uio_sysfs.c \
 libgfx/src/internal.h libgfx/include/gfx.h include/gfx_hw.h \
 libgfx/src/backend.h libgfx/src/uio_sysfs.h
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
libgfx/src/uio_sysfs.h:
