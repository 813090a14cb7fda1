# subtraction with spaces between two variables
let a = 5; b = 2; in a - b
