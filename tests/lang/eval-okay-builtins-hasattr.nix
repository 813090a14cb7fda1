# builtins can be tested for a function name
[ (builtins ? map) (builtins ? noSuchBuiltin) ]
