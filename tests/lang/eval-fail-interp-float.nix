# interpolating a float into a string
"${1.5}"
