# a list prefix sorts first
[ 1 ] < [ 1 0 ]
