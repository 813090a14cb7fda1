# builtins.toString is the same function
builtins.toString 12
