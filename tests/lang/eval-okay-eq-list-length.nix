# lists of different length are unequal
[ 1 2 ] == [ 1 2 3 ]
