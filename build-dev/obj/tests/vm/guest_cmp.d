build-dev/obj/tests/vm/guest_cmp.o: tests/vm/guest_cmp.c \
 libgfx/include/gfx.h include/gfx_hw.h tests/vm/vmutil.h
libgfx/include/gfx.h:
include/gfx_hw.h:
tests/vm/vmutil.h:
