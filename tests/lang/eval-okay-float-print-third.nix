# one third printed to six significant digits
1.0 / 3
