# splitVersion takes a string
builtins.splitVersion 1.0
