# true, false and null are builtins
[ builtins.true builtins.false builtins.null ]
