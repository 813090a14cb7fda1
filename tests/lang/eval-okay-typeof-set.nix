# typeOf an attribute set
builtins.typeOf { }
