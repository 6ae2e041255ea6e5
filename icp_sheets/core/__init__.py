"""The scoring core: the model, what cells mean, and score(model, accounts). No file or network I/O."""
