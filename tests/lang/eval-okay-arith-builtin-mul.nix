# builtins.mul on integers
builtins.mul 4 5
