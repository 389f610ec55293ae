build-dev/obj/libgfx/src/drm_bo.o: libgfx/src/drm_bo.c \
 libgfx/src/drm_priv.h libgfx/src/internal.h libgfx/include/gfx.h \
 include/gfx_hw.h libgfx/src/backend.h include/gfx_drm.h
libgfx/src/drm_priv.h:
libgfx/src/internal.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
libgfx/src/backend.h:
include/gfx_drm.h:
