# an unused abort is not evaluated
let a = abort "not evaluated"; in "fine"
