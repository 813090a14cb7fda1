# in rec, attribute names shadow enclosing bindings
let a = "outer"; in rec { a = "inner"; b = a; }.b
