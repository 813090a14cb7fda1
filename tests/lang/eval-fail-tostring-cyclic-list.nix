# toString of a list that contains itself fails with the stack overflow error instead of crashing
let x = [ x ]; in toString x
