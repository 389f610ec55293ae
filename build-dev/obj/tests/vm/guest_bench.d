build-dev/obj/tests/vm/guest_bench.o: tests/vm/guest_bench.c \
 libgfx/include/gfx.h include/gfx_hw.h tests/vm/vmutil.h
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/vm/vmutil.h:
