# interpolating a Boolean into a string
"${true}"
