# Float literals at the edges of the range that strtod accepts: zero digits, the smallest normal and the largest finite number.
[ 0.0e-400 2.2250738585072014e-308 1.7976931348623157e308 2.5e-308 ]
