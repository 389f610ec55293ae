# libgfx/wayland: libgfx's Wayland add-on for clients (gfx-wayland.h), a static
# library that the demo client and the tests' clients link. Its protocol code
# is the compositor build's (compositor/build.mk: COMP_PROTO_OBJS).
GFXWL_LIB := $(LIB)/libgfx-wayland.a
GFXWL_OBJS := $(OBJ)/libgfx/wayland/gfx_wayland.o
$(GFXWL_OBJS): CFLAGS += -Ilibgfx/wayland -I$(COMP_GEN) $(COMP_CLIENT_CFLAGS)
$(GFXWL_OBJS): $(COMP_CLIENT_HDRS) $(COMP_CLIENT_CONFIG)
$(GFXWL_LIB): $(GFXWL_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^
# What a client links: the add-on, the protocol code, libgfx, wayland-client.
GFXWL_LINK := $(GFXWL_LIB) $(COMP_PROTO_OBJS) $(GFX_LIBS) $(COMP_CLIENT_LIBS)
ALL_TARGETS += $(GFXWL_LIB)
