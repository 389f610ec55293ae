build-dev/obj/tests/test_engine.o: tests/test_engine.c \
 /usr/include/pixman-1/pixman.h /usr/include/pixman-1/pixman-version.h \
 include/gfx_hw.h tests/harness.h device/engine.h
/usr/include/pixman-1/pixman.h:
/usr/include/pixman-1/pixman-version.h:
include/gfx_hw.h:
tests/harness.h:
device/engine.h:
