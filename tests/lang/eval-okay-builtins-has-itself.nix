# builtins contains builtins
builtins ? builtins
