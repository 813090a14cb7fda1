# genericClosure compares keys only with keys already seen: a single key may be of any type.
[ (builtins.genericClosure { startSet = [ { key = { }; } ]; operator = x: [ ]; }) (builtins.genericClosure { startSet = [ { key = null; v = 1; } ]; operator = x: [ ]; }) ]
