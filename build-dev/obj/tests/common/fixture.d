build-dev/obj/tests/common/fixture.o: tests/common/fixture.c \
 /usr/include/libpng16/png.h /usr/include/libpng16/pnglibconf.h \
 /usr/include/libpng16/pngconf.h tests/common/fixture.h \
 libgfx/include/gfx.h include/gfx_hw.h
/usr/include/libpng16/png.h:
/usr/include/libpng16/pnglibconf.h:
/usr/include/libpng16/pngconf.h:
tests/common/fixture.h:
libgfx/include/gfx.h:
include/gfx_hw.h:
