# scalars are never marked repeated
let n = 1; s = "s"; in [ n n s s ]
