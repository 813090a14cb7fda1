# ordering two distinct cyclic lists fails with the stack overflow error instead of crashing
let x = [ x ]; y = [ y ]; in x < y
