build-dev/obj/device/display.o: device/display.c device/display.h \
 device/device.h include/gfx_hw.h device/png_output.h device/window.h
device/display.h:
device/device.h:
include/gfx_hw.h:
device/png_output.h:
device/window.h:
