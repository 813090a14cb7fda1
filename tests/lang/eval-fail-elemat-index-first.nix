# builtins.elemAt forces the index before the list.
builtins.elemAt (throw "list forced first") (throw "index forced first")
