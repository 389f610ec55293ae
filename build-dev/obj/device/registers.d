build-dev/obj/device/registers.o: device/registers.c device/device.h \
 include/gfx_hw.h device/engine.h device/command_processor.h
device/device.h:
include/gfx_hw.h:
device/engine.h:
device/command_processor.h:
