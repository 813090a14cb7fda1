# all is true if every element satisfies the predicate
builtins.all (x: x > 0) [ 1 2 3 ]
