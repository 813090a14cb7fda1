# an integer and a string cannot be ordered
1 < "a"
