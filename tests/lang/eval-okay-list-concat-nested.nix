# ++ does not flatten nested lists
[ [ 1 ] ] ++ [ [ 2 ] ]
