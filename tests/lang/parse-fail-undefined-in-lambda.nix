# an undefined name inside an unused function body is rejected before evaluation
let f = x: y; in 1
