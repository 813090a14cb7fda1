# an exponent with an explicit plus sign
1.0e+3
