# libgfx: the user-space driver, as build/lib/libgfx.so (soname libgfx.so.1).
#
# Every libgfx/src/*.c is part of the library (so backend_uio.c drops in).
# Programs link with: -L$(LIB) -lgfx -Wl,-rpath,'$$ORIGIN/../lib'.
#
# build/lib/pkgconfig/gfx.pc is relocatable (prefix = the .pc file's ../..),
# so it serves an installed prefix (PREFIX/lib/pkgconfig, PREFIX/include,
# PREFIX/lib) and the build tree alike, where gfx.h is copied to build/include:
#   PKG_CONFIG_PATH=$PWD/build/lib/pkgconfig pkg-config --cflags --libs gfx

LIBGFX_SRCS := $(wildcard libgfx/src/*.c)
LIBGFX_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(LIBGFX_SRCS))
LIBGFX_SO := $(LIB)/libgfx.so
LIBGFX_SONAME := libgfx.so.1
LIBGFX_VERSION := 1.0.0
GFX_LIBS := -L$(LIB) -lgfx -Wl,-rpath,'$$ORIGIN/../lib'

# libdrm for the drm backend (xf86drm.h, xf86drmMode.h; its drm.h for gfx_drm.h).
LIBDRM_CFLAGS := $(shell $(PKG_CONFIG) --cflags libdrm 2>/dev/null)
LIBDRM_LIBS := $(shell $(PKG_CONFIG) --libs libdrm 2>/dev/null)

$(LIBGFX_OBJS): CFLAGS += -fPIC -fvisibility=hidden -Ilibgfx/src $(LIBDRM_CFLAGS)

$(LIB)/$(LIBGFX_SONAME): $(LIBGFX_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(LIBGFX_SONAME) -Wl,--no-undefined -o $@ $^ $(LDFLAGS) $(LIBDRM_LIBS)

$(LIBGFX_SO): $(LIB)/$(LIBGFX_SONAME)
	ln -sf $(LIBGFX_SONAME) $@

$(BUILD)/include/gfx.h: libgfx/include/gfx.h
	@mkdir -p $(@D)
	cp $< $@

$(LIB)/pkgconfig/gfx.pc: libgfx/build.mk
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$${pcfiledir}/../..' 'libdir=$${prefix}/lib' \
		'includedir=$${prefix}/include' '' 'Name: gfx' \
		'Description: user-space driver for the reference GPU (direct rendering on UIO)' \
		'Version: $(LIBGFX_VERSION)' 'Libs: -L$${libdir} -lgfx' \
		'Cflags: -I$${includedir}' > $@

ALL_TARGETS += $(LIBGFX_SO) $(LIB)/pkgconfig/gfx.pc $(BUILD)/include/gfx.h

# Tests (tests/test_libgfx*.c, with the fixture in tests/common/).
LIBGFX_TEST_NAMES := $(patsubst tests/%.c,%,$(wildcard tests/test_libgfx*.c))
LIBGFX_TESTS := $(addprefix $(TESTBIN)/,$(LIBGFX_TEST_NAMES))
TEST_COMMON_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(wildcard tests/common/*.c))
TEST_PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags pixman-1 libpng 2>/dev/null)
TEST_PKG_LIBS := $(shell $(PKG_CONFIG) --libs pixman-1 libpng 2>/dev/null)

$(patsubst %,$(OBJ)/tests/%.o,$(LIBGFX_TEST_NAMES)) $(TEST_COMMON_OBJS): CFLAGS += $(TEST_PKG_CFLAGS) -Wno-format-zero-length

$(LIBGFX_TESTS): $(TESTBIN)/%: $(OBJ)/tests/%.o $(TEST_COMMON_OBJS) $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $(filter %.o,$^) $(LDFLAGS) $(GFX_LIBS) $(TEST_PKG_LIBS) -lpthread

ALL_TARGETS += $(LIBGFX_TESTS)
TESTS += $(LIBGFX_TESTS)
