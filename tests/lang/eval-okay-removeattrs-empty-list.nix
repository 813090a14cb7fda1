# removeAttrs with no names returns an equal set
builtins.removeAttrs { a = 1; } [ ]
