# interpolating an integer into a string
"n = ${1}"
