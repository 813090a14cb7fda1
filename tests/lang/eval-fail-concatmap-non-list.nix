# concatMap with a function returning a non-list
builtins.concatMap (x: x) [ 1 ]
