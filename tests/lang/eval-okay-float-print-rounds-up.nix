# rounding to six digits can carry into a new digit
9.9999999
