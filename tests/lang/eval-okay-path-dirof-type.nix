# dirOf keeps the path type
builtins.typeOf (dirOf ./a/b)
