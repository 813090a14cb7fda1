# --json prints floats with full precision
[ 0.1 (1.0 / 3) 1.e20 1.5e-7 2.0 ]
