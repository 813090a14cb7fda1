# a list of integers
[ 1 2 3 ]
