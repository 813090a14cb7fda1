# interpolating null into a string
"${null}"
