# attrValues returns values in name order
builtins.attrValues { b = "second"; a = "first"; }
