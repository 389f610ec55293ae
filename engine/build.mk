# engine: the 2D engine on pixman (fill, copy, OVER blend, scaled blits,
# formats, clip; every command validated before a pixel moves). gfx-device
# executes the GPU's commands with it, and libgfx's CPU drivers draw with the
# same objects, so a command means the same thing on both; tests/test_engine.c
# is its one test suite. Position-independent and with hidden symbols, so it
# links into libgfx.so as into a program.

ENGINE_CFLAGS := $(shell $(PKG_CONFIG) --cflags pixman-1)
ENGINE_LIBS := $(shell $(PKG_CONFIG) --libs pixman-1) -lpthread
ENGINE_OBJS := $(addprefix $(OBJ)/engine/, engine.o engine_threads.o engine_blend_avx2.o)

$(ENGINE_OBJS): CFLAGS += -fPIC -fvisibility=hidden $(ENGINE_CFLAGS)
$(ENGINE_OBJS): $(call config_stamp,engine,$(ENGINE_CFLAGS) $(ENGINE_LIBS))
