# builtins.div on integers truncates
builtins.div 9 4
