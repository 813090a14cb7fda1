# concatenating with the empty list on either side
[ ] ++ [ 1 ] ++ [ ]
