# libgfx: the user-space driver, as build/lib/libgfx.so (soname libgfx.so.1).
#
# Every .c in libgfx/src and its driver folders (umd/, drm/, kms/, virtio/) is part of the library.
# Programs link with: -L$(LIB) -lgfx -Wl,-rpath,'$$ORIGIN/../lib'.
#
# The public headers (gfx.h includes gfx_hw.h beside itself) go to
# $(BUILD)/include/gfx/ here and to PREFIX/include/gfx/ when installed, so
# gfx.pc says -I${includedir}/gfx in both. build/lib/pkgconfig/gfx.pc is
# relocatable (prefix = the .pc file's ../..), for the build tree:
#   PKG_CONFIG_PATH=$PWD/build/lib/pkgconfig pkg-config --cflags --libs gfx
# `make install` writes one with the real prefix (install.mk).

LIBGFX_SRCS := $(wildcard libgfx/src/*.c libgfx/src/*/*.c)
LIBGFX_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(LIBGFX_SRCS))
LIBGFX_SO := $(LIB)/libgfx.so
LIBGFX_SONAME := libgfx.so.1
LIBGFX_VERSION := 1.0.0
GFX_LIBS := -L$(LIB) -lgfx -Wl,-rpath,'$$ORIGIN/../lib'

# libdrm for the drm backend (xf86drm.h, xf86drmMode.h; its drm.h for gfx_drm.h).
LIBDRM_CFLAGS := $(shell $(PKG_CONFIG) --cflags libdrm 2>/dev/null)
LIBDRM_LIBS := $(shell $(PKG_CONFIG) --libs libdrm 2>/dev/null)

$(LIBGFX_OBJS): CFLAGS += -fPIC -fvisibility=hidden -Ilibgfx/src -Iengine $(LIBDRM_CFLAGS) $(ENGINE_CFLAGS)
$(LIBGFX_OBJS): $(call config_stamp,libgfx,$(LIBDRM_CFLAGS) $(LIBDRM_LIBS))

# The kms and virtio drivers draw with the engine gfx-device uses (engine/).
$(LIB)/$(LIBGFX_SONAME): $(LIBGFX_OBJS) $(ENGINE_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(LIBGFX_SONAME) -Wl,--no-undefined -o $@ $^ $(LDFLAGS) $(LIBDRM_LIBS) \
		$(ENGINE_LIBS)

$(LIBGFX_SO): $(LIB)/$(LIBGFX_SONAME)
	ln -sf $(LIBGFX_SONAME) $@

GFX_HEADERS := libgfx/include/gfx.h include/gfx_hw.h
GFX_BUILD_HEADERS := $(addprefix $(BUILD)/include/gfx/,$(notdir $(GFX_HEADERS)))

$(BUILD)/include/gfx/%.h: libgfx/include/%.h
	@mkdir -p $(@D)
	cp $< $@
$(BUILD)/include/gfx/%.h: include/%.h
	@mkdir -p $(@D)
	cp $< $@

# $(call gfx_pc,PREFIX): gfx.pc's lines, quoted for printf '%s\n'.
gfx_pc = 'prefix=$(1)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	'Name: gfx' 'Description: user-space driver for the reference GPU (direct rendering on UIO)' \
	'Version: $(LIBGFX_VERSION)' 'Libs: -L$${libdir} -lgfx' 'Cflags: -I$${includedir}/gfx'

$(LIB)/pkgconfig/gfx.pc: libgfx/build.mk
	@mkdir -p $(@D)
	printf '%s\n' $(call gfx_pc,$${pcfiledir}/../..) > $@

ALL_TARGETS += $(LIBGFX_SO) $(LIB)/pkgconfig/gfx.pc $(GFX_BUILD_HEADERS)

# Tests (tests/test_libgfx*.c, with the fixture in tests/common/).
LIBGFX_TEST_NAMES := $(patsubst tests/%.c,%,$(wildcard tests/test_libgfx*.c))
LIBGFX_TESTS := $(addprefix $(TESTBIN)/,$(LIBGFX_TEST_NAMES))
TEST_COMMON_OBJS := $(patsubst %.c,$(OBJ)/%.o,$(wildcard tests/common/*.c))
TEST_PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags pixman-1 libpng 2>/dev/null)
TEST_PKG_LIBS := $(shell $(PKG_CONFIG) --libs pixman-1 libpng 2>/dev/null)

$(patsubst %,$(OBJ)/tests/%.o,$(LIBGFX_TEST_NAMES)) $(TEST_COMMON_OBJS): CFLAGS += $(TEST_PKG_CFLAGS) -Wno-format-zero-length
$(patsubst %,$(OBJ)/tests/%.o,$(LIBGFX_TEST_NAMES)) $(TEST_COMMON_OBJS): \
	$(call config_stamp,libgfx-tests,$(TEST_PKG_CFLAGS) $(TEST_PKG_LIBS))

$(LIBGFX_TESTS): $(TESTBIN)/%: $(OBJ)/tests/%.o $(TEST_COMMON_OBJS) $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $(filter %.o,$^) $(LDFLAGS) $(GFX_LIBS) $(TEST_PKG_LIBS) -lpthread

ALL_TARGETS += $(LIBGFX_TESTS)
TESTS += $(LIBGFX_TESTS)
