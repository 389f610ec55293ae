# kernel: the uio_gfx module (`make kernel`) and the guest-side programs of
# the VM tests (tests/vm), which link libgfx and run inside the QEMU guest.

# The running kernel's build dir if it has one, else the newest Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)))

kernel:
	$(MAKE) -C kernel KDIR=$(KDIR) W=1

VM_PROGS := $(BIN)/gfx-vm-test $(BIN)/gfx-vm-bench $(BIN)/gfx-vm-uinput

$(BIN)/gfx-vm-test: $(OBJ)/tests/vm/guest_test.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

$(BIN)/gfx-vm-bench: $(OBJ)/tests/vm/guest_bench.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

# A uinput keyboard and mouse (libevdev) for the compositor's input case.
$(OBJ)/tests/vm/guest_uinput.o: CFLAGS += $(shell $(PKG_CONFIG) --cflags libevdev)
$(OBJ)/tests/vm/guest_uinput.o: $(call config_stamp,libevdev,$(shell $(PKG_CONFIG) --cflags --libs libevdev))
$(BIN)/gfx-vm-uinput: $(OBJ)/tests/vm/guest_uinput.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(shell $(PKG_CONFIG) --libs libevdev)

ALL_TARGETS += $(VM_PROGS)
