# a list that never closes
[ 1 2
