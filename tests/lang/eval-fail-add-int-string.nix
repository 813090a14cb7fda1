# an integer plus a string
1 + "a"
