# or with a dynamic attribute name
let n = "missing"; in { }.${n} or 0
