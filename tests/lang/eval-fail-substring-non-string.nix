# substring of an integer
builtins.substring 0 1 5
