# an inner let shadows an outer one
let x = 1; in let x = 2; in x
