# floats print with six significant digits
123456789.0
