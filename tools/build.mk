# tools: gfx-bench, the benchmark program (links libgfx and pixman).
GFX_BENCH_OBJS := $(OBJ)/tools/gfx_bench.o
$(GFX_BENCH_OBJS): CFLAGS += $(shell $(PKG_CONFIG) --cflags pixman-1)

$(BIN)/gfx-bench: $(GFX_BENCH_OBJS) $(LIB)/libgfx.so
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(GFX_BENCH_OBJS) -L$(LIB) -lgfx -Wl,-rpath,'$$ORIGIN/../lib' \
		$(shell $(PKG_CONFIG) --libs pixman-1)

ALL_TARGETS += $(BIN)/gfx-bench
TESTS += $(TESTBIN)/bench_smoke.sh
