# genericClosure fails when two keys of an incomparable type meet.
builtins.genericClosure { startSet = [ { key = { }; } { key = { }; } ]; operator = x: [ ]; }
