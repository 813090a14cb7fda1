# tryEval does not catch a missing attribute
builtins.tryEval { }.a
