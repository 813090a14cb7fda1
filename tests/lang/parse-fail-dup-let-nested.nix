# the same nested name bound twice in let
let a.b = 1; a.b = 2; in a
