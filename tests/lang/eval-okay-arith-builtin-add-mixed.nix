# builtins.add accepts an int and a float
builtins.add 1 2.5
