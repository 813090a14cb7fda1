# search path entry one: a nested file
"deep in dir3"
