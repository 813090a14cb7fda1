# two distinct lambdas inside lists are unequal
[ (x: x) ] == [ (x: x) ]
