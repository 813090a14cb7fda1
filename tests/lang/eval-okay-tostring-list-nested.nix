# toString flattens nested lists
toString [ 1 [ 2 [ 3 ] ] ]
