# division of a float by integer zero
1.0 / 0
