build-dev/obj/tests/test_device_protocol.o: tests/test_device_protocol.c \
 /usr/include/libpng16/png.h /usr/include/libpng16/pnglibconf.h \
 /usr/include/libpng16/pngconf.h include/gfx_hw.h tests/harness.h \
 tests/common/devproto.h
/usr/include/libpng16/png.h:
/usr/include/libpng16/pnglibconf.h:
/usr/include/libpng16/pngconf.h:
include/gfx_hw.h:
tests/harness.h:
tests/common/devproto.h:
