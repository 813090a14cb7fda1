# an int equals the float of the same value
2 == 2.0
