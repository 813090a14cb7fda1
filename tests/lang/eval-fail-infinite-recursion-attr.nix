# a set attribute that selects itself
let s = { v = s.v; }; in s.v
