# attrNames of the empty set
builtins.attrNames { }
