# isFunction on a lambda, a builtin and a partial builtin application
[ (builtins.isFunction (x: x)) (builtins.isFunction builtins.add) (builtins.isFunction (builtins.add 1)) (builtins.isFunction 1) ]
