# list comparison stops at the first difference
[ 1 (throw "not evaluated") ] == [ 2 (throw "not evaluated") ]
