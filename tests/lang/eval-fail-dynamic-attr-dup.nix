# two dynamic attributes with the same name
let n = "a"; in { ${n} = 1; ${n} = 2; }
