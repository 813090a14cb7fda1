# isFloat recognises a float
builtins.isFloat 1.0
