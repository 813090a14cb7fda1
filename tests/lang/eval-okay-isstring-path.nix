# a path is not a string
builtins.isString ./a
