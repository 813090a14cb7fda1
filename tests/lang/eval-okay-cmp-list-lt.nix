# lists compare element by element
[ 1 2 ] < [ 1 3 ]
