# map with an integer as the function
map 1 [ 1 ]
