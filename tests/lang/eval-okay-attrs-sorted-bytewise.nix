# attribute order is bytewise: upper case before lower case
{ b = 1; B = 2; a = 3; _c = 4; }
