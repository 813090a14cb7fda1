# all on a non-list
builtins.all (x: true) 1
