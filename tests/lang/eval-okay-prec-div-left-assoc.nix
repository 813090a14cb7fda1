# / associates to the left
100 / 10 / 5
