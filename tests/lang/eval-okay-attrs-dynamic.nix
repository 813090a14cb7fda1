# a dynamic attribute name
let n = "key"; in { ${n} = 1; }
