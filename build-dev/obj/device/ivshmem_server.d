build-dev/obj/device/ivshmem_server.o: device/ivshmem_server.c \
 device/ivshmem_server.h device/device.h include/gfx_hw.h \
 device/command_processor.h
device/ivshmem_server.h:
device/device.h:
include/gfx_hw.h:
device/command_processor.h:
