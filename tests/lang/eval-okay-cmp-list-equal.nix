# equal lists are not less than each other
[ 1 2 ] < [ 1 2 ]
