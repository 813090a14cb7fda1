# a value that depends on itself through arithmetic
let x = x + 1; in x
