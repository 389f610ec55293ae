build-dev/obj/tools/gfx_bench.o: tools/gfx_bench.c \
 /usr/include/pixman-1/pixman.h /usr/include/pixman-1/pixman-version.h \
 libgfx/include/gfx.h include/gfx_hw.h tools/bench.h
/usr/include/pixman-1/pixman.h:
/usr/include/pixman-1/pixman-version.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
tools/bench.h:
