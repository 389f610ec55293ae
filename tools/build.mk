# tools: gfx-bench, the benchmark program (links libgfx and pixman).
GFX_BENCH_OBJS := $(addprefix $(OBJ)/tools/, gfx_bench.o bench_report.o bench_flood.o)
GFX_BENCH_CFLAGS := $(shell $(PKG_CONFIG) --cflags pixman-1)
GFX_BENCH_LIBS := $(shell $(PKG_CONFIG) --libs pixman-1)
$(GFX_BENCH_OBJS): CFLAGS += $(GFX_BENCH_CFLAGS)
$(GFX_BENCH_OBJS): $(call config_stamp,tools,$(GFX_BENCH_CFLAGS) $(GFX_BENCH_LIBS))

$(BIN)/gfx-bench: $(GFX_BENCH_OBJS) $(LIB)/libgfx.so
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(GFX_BENCH_OBJS) -L$(LIB) -lgfx -Wl,-rpath,'$$ORIGIN/../lib' \
		$(GFX_BENCH_LIBS)

ALL_TARGETS += $(BIN)/gfx-bench
TESTS += $(TESTBIN)/bench_smoke.sh

# gfx-vm-cmp: the uio-against-drm workloads in the VM guest (tests/vm/guest_cmp.c,
# driven by tests/vm/guest_cmp.sh); gfx-native-costs: the host's own price of a
# system call, a copy from user space, a wake-up and an IPI (scripts/bench-cmp.sh).
$(OBJ)/tests/vm/guest_cmp.o: CFLAGS += $(shell $(PKG_CONFIG) --cflags libdrm)	# gfx_drm.h
$(BIN)/gfx-vm-cmp: $(OBJ)/tests/vm/guest_cmp.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)
$(BIN)/gfx-native-costs: $(OBJ)/tools/native_costs.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) -lpthread
ALL_TARGETS += $(BIN)/gfx-vm-cmp $(BIN)/gfx-native-costs
