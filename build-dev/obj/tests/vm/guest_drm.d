build-dev/obj/tests/vm/guest_drm.o: tests/vm/guest_drm.c \
 /usr/include/libpng16/png.h /usr/include/libpng16/pnglibconf.h \
 /usr/include/libpng16/pngconf.h /usr/include/libdrm/drm_fourcc.h \
 /usr/include/libdrm/drm.h /usr/include/libdrm/drm_mode.h \
 include/gfx_drm.h include/gfx_hw.h
/usr/include/libpng16/png.h:
/usr/include/libpng16/pnglibconf.h:
/usr/include/libpng16/pngconf.h:
/usr/include/libdrm/drm_fourcc.h:
/usr/include/libdrm/drm.h:
/usr/include/libdrm/drm_mode.h:
include/gfx_drm.h:
include/gfx_hw.h:
