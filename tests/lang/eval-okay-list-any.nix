# any is true if one element satisfies the predicate
builtins.any (x: x == 3) [ 1 2 3 ]
