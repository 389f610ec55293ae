# device: targets added by its owner
