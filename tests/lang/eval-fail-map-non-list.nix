# map over a set
map (x: x) { a = 1; }
