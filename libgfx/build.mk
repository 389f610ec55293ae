# libgfx: targets added by its owner
