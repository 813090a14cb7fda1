# interpolating a list into a string
"${[ "a" ]}"
