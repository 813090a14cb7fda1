# typeOf a partially applied builtin is lambda
builtins.typeOf (builtins.add 1)
