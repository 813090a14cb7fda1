# a path plus an integer
./a + 1
