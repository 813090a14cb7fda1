# toString of a list that holds a plain set
toString [ 1 { } ]
