# ? with an interpolated name
let n = "a"; in { a = 1; } ? ${n}
