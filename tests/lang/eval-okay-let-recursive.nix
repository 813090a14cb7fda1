# let bindings can refer to each other in any order
let a = b + 1; b = 2; in a
