# typeOf null
builtins.typeOf null
