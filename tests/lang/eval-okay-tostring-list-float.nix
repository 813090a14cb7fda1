# floats in a list are converted like toString of a float
toString [ 1.5 2 ]
