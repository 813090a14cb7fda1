# a large float prints in exponent form
1.e20
