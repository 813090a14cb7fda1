# foldl' forces the accumulator at each step
builtins.foldl' (acc: x: x) 0 [ (throw "forced") 1 ]
