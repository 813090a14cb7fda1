# int plus float gives a float
1 + 0.5
