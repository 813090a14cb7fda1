# let binds names for its body
let x = 1; y = 2; in x + y
