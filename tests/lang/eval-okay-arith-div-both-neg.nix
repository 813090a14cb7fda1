# integer division of two negatives is positive
(-9) / (-2)
