build-dev/obj/compositor/presentation.o: compositor/presentation.c \
 compositor/core.h compositor/cursor.h libgfx/include/gfx.h \
 include/gfx_hw.h compositor/evdev.h compositor/input.h \
 compositor/output.h /usr/include/pixman-1/pixman.h \
 /usr/include/pixman-1/pixman-version.h compositor/repaint.h \
 compositor/seat.h compositor/data_device.h compositor/presentation.h \
 build-dev/gen/presentation-time-server-protocol.h compositor/surface.h \
 compositor/util.h
compositor/core.h:
compositor/cursor.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
compositor/evdev.h:
compositor/input.h:
compositor/output.h:
/usr/include/pixman-1/pixman.h:
/usr/include/pixman-1/pixman-version.h:
compositor/repaint.h:
compositor/seat.h:
compositor/data_device.h:
compositor/presentation.h:
build-dev/gen/presentation-time-server-protocol.h:
compositor/surface.h:
compositor/util.h:
