# tryEval of deepSeq catches a nested throw
builtins.tryEval (builtins.deepSeq [ { a = throw "inner"; } ] 1)
