# a string that is only an interpolation
let s = "x"; in "${s}"
