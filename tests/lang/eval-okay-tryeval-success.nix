# tryEval of a value that evaluates
builtins.tryEval 42
