build-dev/obj/compositor/input_evdev.o: compositor/input_evdev.c \
 /usr/include/libevdev-1.0/libevdev/libevdev.h compositor/core.h \
 compositor/cursor.h libgfx/include/gfx.h include/gfx_hw.h \
 compositor/evdev.h compositor/input.h compositor/output.h \
 /usr/include/pixman-1/pixman.h /usr/include/pixman-1/pixman-version.h \
 compositor/repaint.h compositor/seat.h compositor/data_device.h \
 compositor/input_evdev.h compositor/util.h
/usr/include/libevdev-1.0/libevdev/libevdev.h:
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
compositor/input_evdev.h:
compositor/util.h:
