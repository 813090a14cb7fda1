# even the same function value compared directly is unequal
let f = x: x; in f == f
