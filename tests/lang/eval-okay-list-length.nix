# length of a list
builtins.length [ 1 2 3 4 ]
