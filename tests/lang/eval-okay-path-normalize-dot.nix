# . components inside a path literal are dropped
./a/./b == ./a/b
