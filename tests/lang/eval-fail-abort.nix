# abort raises an error with its message
abort "stop here"
