# lists compare deeply
[ 1 [ 2 { a = 3; } ] ] == [ 1 [ 2 { a = 3; } ] ]
