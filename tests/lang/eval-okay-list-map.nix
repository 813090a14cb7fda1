# map applies a function to each element
map (x: x * x) [ 1 2 3 ]
