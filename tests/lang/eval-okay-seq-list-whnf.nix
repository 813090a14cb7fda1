# seq does not evaluate list elements
builtins.seq [ (throw "not evaluated") ] "ok"
