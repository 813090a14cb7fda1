# f -1 is subtraction, not application to a negative number
let f = x: x; in f -1
