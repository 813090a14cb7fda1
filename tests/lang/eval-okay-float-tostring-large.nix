# toString of a large float prints every integer digit
toString 1.e20
