# pi truncated to six significant digits
3.14159265358979
