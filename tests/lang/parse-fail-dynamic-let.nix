# dynamic attribute names are not allowed in let
let n = "a"; in let ${n} = 1; in 1
