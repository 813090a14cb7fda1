# float divided by int
1.0 / 4
