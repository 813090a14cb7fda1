# intersectAttrs with a non-set
builtins.intersectAttrs { } [ ]
