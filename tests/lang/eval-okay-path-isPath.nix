# isPath on a path and on a string
[ (builtins.isPath ./a) (builtins.isPath "./a") ]
