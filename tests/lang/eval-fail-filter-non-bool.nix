# filter with a predicate that returns an integer
builtins.filter (x: 1) [ 1 ]
