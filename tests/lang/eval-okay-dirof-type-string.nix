# dirOf a string returns a string
builtins.typeOf (dirOf "a/b")
