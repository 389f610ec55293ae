build-dev/obj/device/main.o: device/main.c device/device.h \
 include/gfx_hw.h device/command_processor.h device/control.h \
 device/display.h device/engine.h device/ivshmem_server.h \
 device/png_output.h device/unix_socket.h device/window.h
device/device.h:
include/gfx_hw.h:
device/command_processor.h:
device/control.h:
device/display.h:
device/engine.h:
device/ivshmem_server.h:
device/png_output.h:
device/unix_socket.h:
device/window.h:
