# a float literal written with a leading zero
0.75
