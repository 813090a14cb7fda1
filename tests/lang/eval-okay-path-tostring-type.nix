# toString of a path is a string
builtins.typeOf (toString ./a)
