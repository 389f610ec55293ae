# compositor: targets added by its owner
