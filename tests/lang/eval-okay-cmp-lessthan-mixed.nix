# builtins.lessThan on an int and a float
builtins.lessThan 1 1.5
