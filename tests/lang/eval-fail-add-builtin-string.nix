# builtins.add on a string
builtins.add "a" 1
