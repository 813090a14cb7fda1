# a path and a string cannot be ordered
./a < "b"
