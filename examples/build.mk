# examples: targets added by its owner
