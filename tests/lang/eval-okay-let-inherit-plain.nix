# plain inherit in let refers to the enclosing scope
let x = 4; in let inherit x; in x
