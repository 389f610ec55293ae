# tests: targets added by its owner
