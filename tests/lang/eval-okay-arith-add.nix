# integer addition
1 + 2
