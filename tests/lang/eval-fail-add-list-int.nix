# adding a list and an integer
[ 1 ] + 1
