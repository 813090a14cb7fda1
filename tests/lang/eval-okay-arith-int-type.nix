# the type of an integer sum stays int
builtins.typeOf (2 + 3)
