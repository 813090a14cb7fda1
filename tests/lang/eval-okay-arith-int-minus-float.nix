# int minus float
5 - 0.25
