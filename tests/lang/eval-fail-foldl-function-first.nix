# builtins.foldl' forces the function before the list.
builtins.foldl' (throw "function forced first") 0 (throw "list forced first")
