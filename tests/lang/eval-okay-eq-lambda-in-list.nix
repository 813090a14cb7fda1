# the same function inside two lists compares equal by identity
let f = x: x; in [ f ] == [ f ]
