# a float compares with an int
2.5 < 3
