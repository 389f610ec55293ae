# install.mk - `make install` and `make uninstall`, with PREFIX and DESTDIR.
#
#   make install PREFIX=/usr/local DESTDIR=     (the defaults)
#
# PREFIX/lib        libgfx.so.1.0.0, libgfx.so.1 (soname), libgfx.so; pkgconfig/gfx.pc
# PREFIX/include/gfx  gfx.h and gfx_hw.h (gfx.pc: -I${includedir}/gfx)
# PREFIX/bin        the programs (not the VM tests' guest programs); they find
#                   libgfx through their rpath $ORIGIN/../lib
# PREFIX/share/man  man pages (docs/man/*.scd)
# UDEV_RULES_DIR    kernel/*.rules (/etc/udev/rules.d; /usr/lib/udev/rules.d for PREFIX=/usr)
# /usr/src/NAME-VERSION  the kernel sources for DKMS, NAME and VERSION from kernel/dkms.conf
#
# Every path is under $(DESTDIR). With no DESTDIR, ldconfig runs afterwards.

PREFIX ?= /usr/local
INSTALL ?= install
BINDIR := $(PREFIX)/bin
LIBDIR := $(PREFIX)/lib
INCLUDEDIR := $(PREFIX)/include/gfx
PKGCONFIGDIR := $(LIBDIR)/pkgconfig
MAN1DIR := $(PREFIX)/share/man/man1
UDEV_RULES_DIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/udev/rules.d,/etc/udev/rules.d)
dkms_conf = $(shell sed -n 's/^$(1)="\(.*\)"/\1/p' kernel/dkms.conf)
DKMS_SRC_DIR := /usr/src/$(call dkms_conf,PACKAGE_NAME)-$(call dkms_conf,PACKAGE_VERSION)

INSTALL_PROGRAMS := $(filter-out $(BIN)/gfx-vm-%,$(filter $(BIN)/%,$(ALL_TARGETS)))
INSTALL_RULES := $(wildcard kernel/*.rules)

# What uninstall removes, relative to $(DESTDIR).
INSTALLED_FILES := \
	$(addprefix $(BINDIR)/,$(notdir $(INSTALL_PROGRAMS))) \
	$(addprefix $(LIBDIR)/,libgfx.so libgfx.so.1 libgfx.so.$(LIBGFX_VERSION)) \
	$(PKGCONFIGDIR)/gfx.pc \
	$(addprefix $(INCLUDEDIR)/,$(notdir $(GFX_HEADERS))) \
	$(addprefix $(MAN1DIR)/,$(notdir $(MAN_PAGES))) \
	$(addprefix $(UDEV_RULES_DIR)/,$(notdir $(INSTALL_RULES)))

.PHONY: install uninstall
install: $(INSTALL_PROGRAMS) $(LIBGFX_SO) $(GFX_BUILD_HEADERS) $(MAN_PAGES)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(UDEV_RULES_DIR)
	$(INSTALL) -m 0755 $(INSTALL_PROGRAMS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 $(LIB)/$(LIBGFX_SONAME) $(DESTDIR)$(LIBDIR)/libgfx.so.$(LIBGFX_VERSION)
	ln -sf libgfx.so.$(LIBGFX_VERSION) $(DESTDIR)$(LIBDIR)/$(LIBGFX_SONAME)
	ln -sf $(LIBGFX_SONAME) $(DESTDIR)$(LIBDIR)/libgfx.so
	printf '%s\n' $(call gfx_pc,$(PREFIX)) > $(DESTDIR)$(PKGCONFIGDIR)/gfx.pc
	$(INSTALL) -m 0644 $(GFX_HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 0644 $(MAN_PAGES) $(DESTDIR)$(MAN1DIR)/
	$(INSTALL) -m 0644 $(INSTALL_RULES) $(DESTDIR)$(UDEV_RULES_DIR)/
	$(MAKE) -C kernel dkms-source DKMS_DIR=$(DESTDIR)$(DKMS_SRC_DIR)
	$(if $(DESTDIR),,-ldconfig)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	rm -rf $(DESTDIR)$(DKMS_SRC_DIR)
	-rmdir $(DESTDIR)$(INCLUDEDIR) 2>/dev/null
	$(if $(DESTDIR),,-ldconfig)
