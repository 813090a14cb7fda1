# 100000.0 still prints without exponent
100000.0
