# any with a predicate that returns a string
builtins.any (x: "yes") [ 1 ]
