# toString of a negative float
toString (-0.125)
