build-dev/obj/device/control.o: device/control.c device/control.h \
 device/device.h include/gfx_hw.h device/input.h device/png_output.h
device/control.h:
device/device.h:
include/gfx_hw.h:
device/input.h:
device/png_output.h:
