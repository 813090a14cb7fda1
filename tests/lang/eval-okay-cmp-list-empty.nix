# the empty list is smaller than any other list
[ ] < [ 1 ]
