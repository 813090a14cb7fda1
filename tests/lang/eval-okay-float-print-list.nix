# a list of floats with different magnitudes
[ 2.0 0.25 12.5 1.e10 3.0e-3 ]
