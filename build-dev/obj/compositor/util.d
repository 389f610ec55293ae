build-dev/obj/compositor/util.o: compositor/util.c compositor/util.h \
 libgfx/include/gfx.h include/gfx_hw.h
compositor/util.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
