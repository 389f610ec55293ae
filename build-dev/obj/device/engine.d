build-dev/obj/device/engine.o: device/engine.c \
 /usr/include/pixman-1/pixman.h /usr/include/pixman-1/pixman-version.h \
 include/gfx_hw.h device/engine.h device/engine_threads.h \
 device/engine_blend_avx2.h
/usr/include/pixman-1/pixman.h:
/usr/include/pixman-1/pixman-version.h:
include/gfx_hw.h:
device/engine.h:
device/engine_threads.h:
device/engine_blend_avx2.h:
