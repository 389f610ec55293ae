build-dev/obj/tools/bench_flood.o: tools/bench_flood.c tools/bench.h \
 libgfx/include/gfx.h include/gfx_hw.h
tools/bench.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
