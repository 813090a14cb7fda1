# a let binding defined as itself
let x = x; in x
