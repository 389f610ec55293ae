# examples: small programs linking libgfx (gfx-hello, gfx-info, gfx-anim).

EXAMPLES := gfx-hello gfx-info gfx-anim

$(BIN)/gfx-%: $(OBJ)/examples/gfx_%.o $(LIBGFX_SO)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(LDFLAGS) $(GFX_LIBS)

ALL_TARGETS += $(addprefix $(BIN)/,$(EXAMPLES))
