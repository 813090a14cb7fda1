# path + path concatenates into a path
/foo + /bar
