# kernel: the uio_gfx and gfx_drm modules (`make kernel`) and the guest-side
# programs of the VM tests (tests/vm), which run inside the QEMU guest.

# The running kernel's build dir if it has one, else the newest Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)))

kernel:
	$(MAKE) -C kernel KDIR=$(KDIR) W=1

VM_PROGS := $(BIN)/gfx-vm-test $(BIN)/gfx-vm-bench $(BIN)/gfx-vm-uinput $(BIN)/gfx-vm-uio-clients \
	$(BIN)/gfx-vm-kms-damage $(BIN)/gfx-vm-cursor $(BIN)/gfx-vm-virtio-evil $(BIN)/gfx-vm-virtio-stray

$(BIN)/gfx-vm-test: $(OBJ)/tests/vm/guest_test.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

# A flip's damage on a KMS device that copies buffers (libgfx's kms driver).
$(BIN)/gfx-vm-kms-damage: $(OBJ)/tests/vm/guest_kms_damage.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

# The hardware cursor on a display that has one (libgfx's kms and virtio drivers).
$(BIN)/gfx-vm-cursor: $(OBJ)/tests/vm/guest_cursor.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

# Garbage in virtio-gpu's queue from a process that owns it (uio_vgpu, no libgfx).
$(BIN)/gfx-vm-virtio-evil: $(OBJ)/tests/vm/guest_virtio_evil.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS)

# A stray descriptor from a process that owns virtio-gpu through vfio-pci (the IOMMU's test).
$(BIN)/gfx-vm-virtio-stray: $(OBJ)/tests/vm/guest_virtio_stray.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS)

$(BIN)/gfx-vm-uio-clients: $(OBJ)/tests/vm/guest_uio_clients.o $(LIBGFX_SO)
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

# gfx-vm-drm, the gfx_drm cases' program: libdrm and libpng, and Mesa's GBM
# for its GBM case when pkg-config finds it.
DRM_TEST_PKGS := $(shell $(PKG_CONFIG) --exists libdrm libpng && echo libdrm libpng)
ifneq ($(DRM_TEST_PKGS),)
DRM_TEST_PKGS += $(shell $(PKG_CONFIG) --exists gbm && echo gbm)
DRM_TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DRM_TEST_PKGS)) $(if $(filter gbm,$(DRM_TEST_PKGS)),-DHAVE_GBM)
DRM_TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(DRM_TEST_PKGS))
$(OBJ)/tests/vm/guest_drm.o: CFLAGS += $(DRM_TEST_CFLAGS)
$(OBJ)/tests/vm/guest_drm.o: $(call config_stamp,vm-drm,$(DRM_TEST_CFLAGS) $(DRM_TEST_LIBS))
$(BIN)/gfx-vm-drm: $(OBJ)/tests/vm/guest_drm.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(DRM_TEST_LIBS) -pthread
VM_PROGS += $(BIN)/gfx-vm-drm

KMS_UAPI_CFLAGS := $(shell $(PKG_CONFIG) --cflags libdrm)

# gfx-vm-drm-fence: fences through plain libdrm (fence page, lazy interrupts, sync_file).
$(OBJ)/tests/vm/guest_drm_fence.o: CFLAGS += $(KMS_UAPI_CFLAGS)
$(OBJ)/tests/vm/guest_drm_fence.o: $(call config_stamp,vm-drm-fence,$(KMS_UAPI_CFLAGS))
$(BIN)/gfx-vm-drm-fence: $(OBJ)/tests/vm/guest_drm_fence.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(shell $(PKG_CONFIG) --libs libdrm)
VM_PROGS += $(BIN)/gfx-vm-drm-fence

# gfx-vm-kms-uapi: the KMS uapi promises, plain libdrm.
$(OBJ)/tests/vm/guest_kms_uapi.o: CFLAGS += $(KMS_UAPI_CFLAGS)
$(OBJ)/tests/vm/guest_kms_uapi.o: $(call config_stamp,vm-kms-uapi,$(KMS_UAPI_CFLAGS))
$(BIN)/gfx-vm-kms-uapi: $(OBJ)/tests/vm/guest_kms_uapi.o
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(shell $(PKG_CONFIG) --libs libdrm) -lm
VM_PROGS += $(BIN)/gfx-vm-kms-uapi

# gfx-vm-drm-userq: gfx_drm's user-mode queues, through libgfx and the bare uapi.
$(OBJ)/tests/vm/guest_drm_userq.o: CFLAGS += $(KMS_UAPI_CFLAGS)
$(OBJ)/tests/vm/guest_drm_userq.o: $(call config_stamp,vm-drm-userq,$(KMS_UAPI_CFLAGS))
$(BIN)/gfx-vm-drm-userq: $(OBJ)/tests/vm/guest_drm_userq.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS) $(shell $(PKG_CONFIG) --libs libdrm)
VM_PROGS += $(BIN)/gfx-vm-drm-userq

# gfx-vm-drm-userq-fence: a user-mode queue's fences (USERQ_SIGNAL), through libgfx and the bare uapi.
$(OBJ)/tests/vm/guest_drm_userq_fence.o: CFLAGS += $(KMS_UAPI_CFLAGS)
$(OBJ)/tests/vm/guest_drm_userq_fence.o: $(call config_stamp,vm-drm-userq-fence,$(KMS_UAPI_CFLAGS))
$(BIN)/gfx-vm-drm-userq-fence: $(OBJ)/tests/vm/guest_drm_userq_fence.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS) $(shell $(PKG_CONFIG) --libs libdrm)
VM_PROGS += $(BIN)/gfx-vm-drm-userq-fence
endif

ALL_TARGETS += $(VM_PROGS)

