# tests: the runner's own test (and the build-system tests below).

TESTS += $(TESTBIN)/runner.sh

# make install into a temporary DESTDIR, the README's example against it, make uninstall.
TESTS += $(TESTBIN)/install.sh

# A detected dependency (SDL2) that appears or disappears rebuilds what uses it.
TESTS += $(TESTBIN)/build_config.sh

# Every program that opens the GPU shows libgfx's message when it cannot.
$(TESTBIN)/helpers/open-error: $(OBJ)/tests/open_error.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) -L$(LIB) -lgfx -Wl,-rpath,'$$ORIGIN/../../lib'
$(TESTBIN)/open_errors.sh: | $(TESTBIN)/helpers/open-error
TESTS += $(TESTBIN)/open_errors.sh

# Pixels that differ between two screenshots (the VM's compositor cases).
$(OBJ)/tests/png_diff.o: CFLAGS += $(shell $(PKG_CONFIG) --cflags libpng)
$(TESTBIN)/helpers/png-diff: $(OBJ)/tests/png_diff.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(shell $(PKG_CONFIG) --libs libpng)
ALL_TARGETS += $(TESTBIN)/helpers/png-diff

# The benchmark reports' arithmetic on fixtures (scripts/ktrace.py).
TESTS += $(TESTBIN)/report_scripts.sh
