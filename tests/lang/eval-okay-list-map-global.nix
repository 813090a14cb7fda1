# map is available without the builtins prefix
map toString [ 1 2 ]
