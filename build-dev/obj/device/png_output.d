build-dev/obj/device/png_output.o: device/png_output.c \
 /usr/include/libpng16/png.h /usr/include/libpng16/pnglibconf.h \
 /usr/include/libpng16/pngconf.h device/png_output.h device/device.h \
 include/gfx_hw.h device/engine.h
/usr/include/libpng16/png.h:
/usr/include/libpng16/pnglibconf.h:
/usr/include/libpng16/pngconf.h:
device/png_output.h:
device/device.h:
include/gfx_hw.h:
device/engine.h:
