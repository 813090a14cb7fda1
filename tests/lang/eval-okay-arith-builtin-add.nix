# builtins.add on integers
builtins.add 40 2
