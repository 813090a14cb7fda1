# a three-digit positive exponent
1.5e300
