# attrValues of a string
builtins.attrValues "s"
