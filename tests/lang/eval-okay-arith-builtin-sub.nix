# builtins.sub on integers
builtins.sub 10 4
