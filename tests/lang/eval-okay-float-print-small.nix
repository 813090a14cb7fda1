# a small float prints with a two-digit exponent
1.5e-7
