# int and float elements compare numerically inside lists
[ 1 2.0 ] == [ 1.0 2 ]
