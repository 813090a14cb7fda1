# intersectAttrs keeps names of the first set with values of the second
builtins.intersectAttrs { a = 0; b = 0; } { b = "B"; c = "C"; }
