# toString of a list joins elements with spaces
toString [ 1 "a" 2 ]
