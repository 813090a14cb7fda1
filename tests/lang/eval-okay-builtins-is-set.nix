# builtins is an attribute set
builtins.typeOf builtins
