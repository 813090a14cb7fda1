# builtins.sort returns an empty list without forcing the comparator (current CppNix; 2.8 forced it).
[ (builtins.sort 0 [ ]) (builtins.sort builtins.lessThan [ 3 1 2 ]) ]
