# a builtin can be looked up by name
builtins.getAttr "length" builtins [ 1 2 ]
