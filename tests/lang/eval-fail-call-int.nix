# calling an integer
1 2
