# a dynamic attribute name that is an integer
let n = 1; in { ${n} = 2; }
