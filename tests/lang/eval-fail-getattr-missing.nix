# getAttr of a missing name
builtins.getAttr "b" { a = 1; }
