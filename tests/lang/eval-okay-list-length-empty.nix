# length of the empty list
builtins.length [ ]
