# with inside a list element
[ (with { v = 3; }; v) ]
