# Top-level build. `make` builds into build/; see README.md for the targets.
#
# Each folder adds its targets in its own build.mk. SANITIZE=1 builds the
# same tree with AddressSanitizer and UBSan into build/asan.

BUILD ?= build
ifeq ($(SANITIZE),1)
BUILD := build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CC ?= cc
PKG_CONFIG ?= pkg-config
OPT ?= -O2
CFLAGS ?= $(OPT) -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	  -D_GNU_SOURCE -Iinclude -Ilibgfx/include $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)

BIN := $(BUILD)/bin
LIB := $(BUILD)/lib
OBJ := $(BUILD)/obj
TESTBIN := $(BUILD)/tests

# $(call config_stamp,NAME,TEXT): the file $(BUILD)/config/NAME holding TEXT,
# rewritten only when TEXT changes. A build.mk passes what it detected (the
# pkg-config flags, optional packages) and makes the objects built with it
# depend on the file, so they rebuild when a dependency appears, disappears
# or changes, and only then.
config_stamp = $(shell mkdir -p $(BUILD)/config && f=$(BUILD)/config/$(1) && \
	{ printf '%s\n' '$(strip $(2))' | cmp -s - $$f || printf '%s\n' '$(strip $(2))' >$$f; } && echo $$f)

# Filled by the build.mk files.
ALL_TARGETS :=
TESTS :=

.PHONY: all clean deps test check asan check-vm demo bench bench-vm kernel kernel-debug soak-vm
all:

include engine/build.mk
include libgfx/build.mk
include device/build.mk
include examples/build.mk
include compositor/build.mk
include libgfx/wayland/build.mk
include tests/build.mk
-include kernel/build.mk
include tools/build.mk
include docs/man/build.mk
# After every build.mk: it installs what they built.
include install.mk

all: $(ALL_TARGETS) $(TESTS)

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Script tests are linked into the build dir so they find its binaries.
$(TESTBIN)/%.sh: tests/%.sh
	@mkdir -p $(@D)
	ln -sf $(abspath $<) $@

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# Every group, for test and demo alike: what one installs never leaves the
# other's build stale, and the order of the two does not matter.
deps:
	scripts/install-deps.sh all

# Host tests on the normal build, the same tests under ASan+UBSan, and the
# VM tests with the real kernel, all counted by one runner.
test: deps
	$(MAKE) all
	$(MAKE) SANITIZE=1 all
	tests/run.sh -l build/test.log $(sort $(TESTS)) \
		$(patsubst build/%,build/asan/%,$(sort $(TESTS))) tests/vm/check-vm.sh

check: all
	tests/run.sh -l $(BUILD)/check.log $(sort $(TESTS))

asan:
	$(MAKE) SANITIZE=1 check

# KERNEL=debug (or debug-6.1) boots the lock- and memory-checking kernel of
# `make kernel-debug` instead of Debian's (docs/kernel.md).
check-vm: all
	KERNEL=$(KERNEL) $(if $(filter debug%,$(KERNEL)),TEST_TIMEOUT_OVERRIDE=7200) \
		tests/run.sh -l build/check-vm$(if $(KERNEL),-$(KERNEL)).log tests/vm/check-vm.sh

# Both kernel drivers under flip-heavy load with faults for SOAK_MINUTES (30);
# KERNEL=debug for the checking kernel. Not part of `make test` (docs/kernel.md).
soak-vm: all
	KERNEL=$(KERNEL) scripts/soak-vm.sh

# A kernel for the VM with lockdep, KASAN and the other checkers, built once
# from Debian's linux-source packages into ~/.cache/gfx-uio (about 15 min each).
kernel-debug:
	scripts/kernel-debug.sh $(KERNEL_VERSIONS)

demo:
	scripts/install-deps.sh all || scripts/install-deps.sh build clients
	$(MAKE) all
	scripts/demo.sh

bench: all
	scripts/install-deps.sh bench
	@mkdir -p build/bench
	scripts/bench.sh build/bench/results.jsonl

# UIO against DRM in one VM (docs/comparison.md); also part of `make bench`.
bench-vm: all
	scripts/install-deps.sh bench
	@mkdir -p build/bench
	scripts/bench-cmp.sh build/bench/results.jsonl
	scripts/bench-display.sh build/bench/results.jsonl

clean:
	rm -rf build
	-$(MAKE) -C kernel clean
