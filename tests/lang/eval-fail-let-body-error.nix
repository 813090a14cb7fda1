# an error in the body of a let
let x = 1; in x.y
