build-dev/obj/compositor/main.o: compositor/main.c compositor/core.h \
 compositor/cursor.h libgfx/include/gfx.h include/gfx_hw.h \
 compositor/evdev.h compositor/input.h compositor/output.h \
 /usr/include/pixman-1/pixman.h /usr/include/pixman-1/pixman-version.h \
 compositor/repaint.h compositor/seat.h compositor/data_device.h \
 compositor/input_evdev.h compositor/layout.h compositor/util.h
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
compositor/layout.h:
compositor/util.h:
