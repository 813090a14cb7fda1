# selecting an attribute from an integer
let x = 1; in x.a
