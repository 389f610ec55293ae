build-dev/obj/device/input.o: device/input.c device/input.h \
 device/device.h include/gfx_hw.h
device/input.h:
device/device.h:
include/gfx_hw.h:
