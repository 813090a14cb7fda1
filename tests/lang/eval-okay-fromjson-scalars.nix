# fromJSON of top-level scalars and empty containers
map builtins.fromJSON [ "1" " 2 " "\n-3.5\t" "true" "false" "null" "\"s\"" "[]" "{}" "[1,[2,[3]]]" ]
