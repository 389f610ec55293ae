# kernel: the uio_gfx module (`make kernel`) and the guest-side programs of
# the VM tests (tests/vm), which link libgfx and run inside the QEMU guest.

# The running kernel's build dir if it has one, else the newest Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)))

kernel:
	$(MAKE) -C kernel KDIR=$(KDIR) W=1

VM_PROGS := $(BIN)/gfx-vm-test $(BIN)/gfx-vm-bench

$(BIN)/gfx-vm-test: $(OBJ)/tests/vm/guest_test.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

$(BIN)/gfx-vm-bench: $(OBJ)/tests/vm/guest_bench.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

ALL_TARGETS += $(VM_PROGS)
