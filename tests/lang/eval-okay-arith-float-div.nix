# float division
1.0 / 8.0
