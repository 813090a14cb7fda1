# ++ concatenates lists
[ 1 2 ] ++ [ 3 ]
