# typeOf a string
builtins.typeOf "s"
