# without rec, names refer to the enclosing scope
let a = "outer"; in { a = "inner"; b = a; }.b
