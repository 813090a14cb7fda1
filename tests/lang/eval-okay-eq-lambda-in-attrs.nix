# the same function inside two attribute sets compares equal by identity
let f = x: x; in { a = f; } == { a = f; }
