# a dynamic attribute that repeats a static one
let n = "a"; in { a = 1; ${n} = 2; }
