# getAttr with a non-string name
builtins.getAttr 1 { a = 1; }
