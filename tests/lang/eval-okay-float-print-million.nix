# 1000000.0 switches to exponent form
1000000.0
