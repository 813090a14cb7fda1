# attrNames of a list
builtins.attrNames [ ]
