# builtins.sub on a string
builtins.sub 1 "a"
