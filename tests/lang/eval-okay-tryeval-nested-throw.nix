# tryEval catches a throw raised deep in a computation
builtins.tryEval (1 + (let f = n: if n == 0 then throw "deep" else f (n - 1); in f 5))
