# builtins.div with a float argument
builtins.div 9 4.0
