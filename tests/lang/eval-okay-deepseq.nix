# deepSeq returns its second argument after full evaluation
builtins.deepSeq { a = [ 1 { b = 2; } ]; } "done"
