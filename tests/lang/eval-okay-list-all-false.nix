# all is false if one element fails
builtins.all (x: x > 1) [ 1 2 3 ]
