# one millionth prints in exponent form
0.000001
