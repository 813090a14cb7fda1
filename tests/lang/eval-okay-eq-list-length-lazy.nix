# lists of different lengths are unequal without evaluating elements
[ (throw "not evaluated") ] == [ ]
