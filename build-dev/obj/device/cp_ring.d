build-dev/obj/device/cp_ring.o: device/cp_ring.c device/cp_ring.h \
 device/device.h include/gfx_hw.h device/command_processor.h \
 device/engine.h
device/cp_ring.h:
device/device.h:
include/gfx_hw.h:
device/command_processor.h:
device/engine.h:
