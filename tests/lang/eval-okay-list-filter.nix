# filter keeps elements satisfying the predicate
builtins.filter (x: x > 2) [ 1 5 2 3 ]
