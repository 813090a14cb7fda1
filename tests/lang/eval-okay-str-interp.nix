# interpolation of a string variable
let name = "world"; in "hello ${name}!"
