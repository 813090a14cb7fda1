# interpolating a function into a string
"${x: x}"
