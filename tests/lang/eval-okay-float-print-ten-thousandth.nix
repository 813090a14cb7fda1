# 0.0001 prints without exponent
0.0001
