build-dev/obj/compositor/decoration.o: compositor/decoration.c \
 compositor/core.h compositor/cursor.h libgfx/include/gfx.h \
 include/gfx_hw.h compositor/evdev.h compositor/input.h \
 compositor/output.h /usr/include/pixman-1/pixman.h \
 /usr/include/pixman-1/pixman-version.h compositor/repaint.h \
 compositor/seat.h compositor/data_device.h compositor/decoration.h \
 compositor/surface.h compositor/util.h compositor/xdg_shell.h \
 build-dev/gen/xdg-shell-server-protocol.h \
 build-dev/gen/xdg-decoration-unstable-v1-server-protocol.h
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
compositor/surface.h:
compositor/util.h:
compositor/xdg_shell.h:
build-dev/gen/xdg-shell-server-protocol.h:
build-dev/gen/xdg-decoration-unstable-v1-server-protocol.h:
