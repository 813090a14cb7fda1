# the same name bound twice in let
let a = 1; a = 2; in a
