# selecting an attribute with a string containing an interpolation
let n = "x"; in { xy = 1; }."${n}y"
