# foldl' building a string shows left-to-right order
builtins.foldl' (acc: s: "(${acc}${s})") "" [ "a" "b" "c" ]
