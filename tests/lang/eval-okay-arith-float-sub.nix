# float subtraction with a negative result
1.25 - 2.5
