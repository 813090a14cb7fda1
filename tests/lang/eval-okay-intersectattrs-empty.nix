# intersectAttrs with no common names
builtins.intersectAttrs { a = 1; } { b = 2; }
