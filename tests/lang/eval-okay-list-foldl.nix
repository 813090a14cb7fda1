# foldl' folds from the left
builtins.foldl' (acc: x: acc * 10 + x) 0 [ 1 2 3 ]
