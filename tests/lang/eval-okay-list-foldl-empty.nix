# foldl' of an empty list returns the start value
builtins.foldl' (a: b: a + b) 7 [ ]
