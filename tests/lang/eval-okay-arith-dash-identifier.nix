# a dash inside a name is part of the identifier, not subtraction
let a-b = 7; in a-b
