build-dev/obj/tests/vm/guest_test.o: tests/vm/guest_test.c \
 libgfx/include/gfx.h include/gfx_hw.h tests/vm/vmutil.h
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/vm/vmutil.h:
