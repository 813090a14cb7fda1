# builtins.filter on an empty list returns it without forcing the predicate (current CppNix; 2.8 forced it).
[ (builtins.filter 0 [ ]) (builtins.filter (x: x > 1) [ 1 2 3 ]) ]
