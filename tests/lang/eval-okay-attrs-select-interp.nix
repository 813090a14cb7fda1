# selecting an attribute with an interpolated name
let n = "x"; in { x = 1; }.${n}
