# zero divided by a number
0 / 5
