# device: gfx-device (the reference GPU as a program) and gfx-ctl.

DEVICE_SDL2 := $(shell $(PKG_CONFIG) --exists sdl2 2>/dev/null && echo yes)
DEVICE_PKGS := pixman-1 libpng $(if $(DEVICE_SDL2),sdl2)
DEVICE_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEVICE_PKGS)) $(if $(DEVICE_SDL2),-DHAVE_SDL2)
DEVICE_LIBS := $(shell $(PKG_CONFIG) --libs $(DEVICE_PKGS)) -lpthread -lm
DEVICE_CONFIG := $(call config_stamp,device,$(DEVICE_CFLAGS) $(DEVICE_LIBS))

DEVICE_OBJS := $(ENGINE_OBJS) $(addprefix $(OBJ)/device/, \
	main.o registers.o irq.o ivshmem_server.o unix_socket.o command_processor.o cp_ring.o \
	display.o control.o input.o png_output.o window_sdl.o)

$(OBJ)/device/%.o: CFLAGS += $(DEVICE_CFLAGS) -Iengine
$(patsubst %.c,$(OBJ)/%.o,$(wildcard device/*.c)): $(DEVICE_CONFIG)

$(BIN)/gfx-device: $(DEVICE_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(DEVICE_LIBS)

$(BIN)/gfx-ctl: $(OBJ)/device/gfx_ctl.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

ALL_TARGETS += $(BIN)/gfx-device $(BIN)/gfx-ctl

# Engine unit tests, the protocol-level device test and the smoke script.
$(OBJ)/tests/test_engine.o $(OBJ)/tests/test_device_protocol.o: CFLAGS += $(DEVICE_CFLAGS) -Iengine -Idevice -Itests -Wno-format-zero-length
$(OBJ)/tests/test_engine.o $(OBJ)/tests/test_device_protocol.o: $(DEVICE_CONFIG)

$(TESTBIN)/test_engine: $(OBJ)/tests/test_engine.o $(ENGINE_OBJS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(DEVICE_LIBS)

# Protocol-level device tests: the device alone and its hardware contexts.
DEVPROTO_TESTS := $(TESTBIN)/test_device_protocol $(TESTBIN)/test_device_contexts
$(OBJ)/tests/test_device_contexts.o $(OBJ)/tests/common/devproto.o: CFLAGS += -Itests -Wno-format-zero-length
$(DEVPROTO_TESTS): $(TESTBIN)/%: $(OBJ)/tests/%.o $(OBJ)/tests/common/devproto.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(DEVICE_LIBS)

$(DEVPROTO_TESTS): | $(BIN)/gfx-device $(BIN)/gfx-ctl
$(TESTBIN)/device_smoke.sh: | $(BIN)/gfx-device $(BIN)/gfx-ctl

DEVICE_TESTS := $(TESTBIN)/test_engine $(DEVPROTO_TESTS) $(TESTBIN)/device_smoke.sh
ALL_TARGETS += $(DEVICE_TESTS)
TESTS += $(DEVICE_TESTS)
