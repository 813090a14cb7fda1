# int times float
3 * 0.5
