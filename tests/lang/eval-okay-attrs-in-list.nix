# sets inside lists print nested
[ { a = 1; } { b = [ 2 ]; } ]
