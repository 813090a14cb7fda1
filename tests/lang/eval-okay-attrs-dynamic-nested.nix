# dynamic names inside an attribute path
let n = "mid"; in { a.${n}.c = 1; }
