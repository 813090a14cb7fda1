# a path never equals a string
./a == "a"
