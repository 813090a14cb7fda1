# getAttr selects by a computed name
builtins.getAttr "a" { a = "value"; }
