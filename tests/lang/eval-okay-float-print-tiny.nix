# a three-digit negative exponent
1.0e-300
