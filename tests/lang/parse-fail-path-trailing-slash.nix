# a path literal may not end in a slash
./a/
