# float plus int gives a float
0.5 + 1
