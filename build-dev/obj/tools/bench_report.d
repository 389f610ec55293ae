build-dev/obj/tools/bench_report.o: tools/bench_report.c tools/bench.h \
 libgfx/include/gfx.h include/gfx_hw.h
tools/bench.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
