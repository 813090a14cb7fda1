# tryEval catches throw
builtins.tryEval (throw "caught")
