build-dev/obj/compositor/core.o: compositor/core.c compositor/core.h \
 compositor/cursor.h libgfx/include/gfx.h include/gfx_hw.h \
 compositor/evdev.h compositor/input.h compositor/output.h \
 /usr/include/pixman-1/pixman.h /usr/include/pixman-1/pixman-version.h \
 compositor/repaint.h compositor/seat.h compositor/data_device.h \
 compositor/decoration.h compositor/presentation.h \
 compositor/subsurface.h compositor/surface.h compositor/util.h \
 compositor/viewporter.h compositor/xdg_shell.h
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
compositor/decoration.h:
compositor/presentation.h:
compositor/subsurface.h:
compositor/surface.h:
compositor/util.h:
compositor/viewporter.h:
compositor/xdg_shell.h:
