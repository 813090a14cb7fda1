# typeOf a lambda
builtins.typeOf (x: x)
