# a string plus an integer
"a" + 1
