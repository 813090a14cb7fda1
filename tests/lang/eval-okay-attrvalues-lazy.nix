# attrValues does not evaluate the values
builtins.length (builtins.attrValues { a = throw "x"; b = throw "y"; })
