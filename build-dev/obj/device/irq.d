build-dev/obj/device/irq.o: device/irq.c device/device.h include/gfx_hw.h
device/device.h:
include/gfx_hw.h:
