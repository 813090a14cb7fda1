# ++ chains combine all lists in order
[ 1 ] ++ [ 2 ] ++ [ 3 ] ++ [ ]
