build-dev/obj/device/command_processor.o: device/command_processor.c \
 device/command_processor.h device/device.h include/gfx_hw.h \
 device/cp_ring.h device/engine.h
device/command_processor.h:
device/device.h:
include/gfx_hw.h:
device/cp_ring.h:
device/engine.h:
