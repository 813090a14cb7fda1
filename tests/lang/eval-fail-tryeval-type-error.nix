# tryEval does not catch a type error
builtins.tryEval (1 + "a")
