# an unused throwing list element is not evaluated
builtins.head [ 1 (throw "not evaluated") ]
