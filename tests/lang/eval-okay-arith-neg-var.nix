# unary minus applied to a variable
let x = 3; in -x
