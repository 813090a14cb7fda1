# nested lists and strings inside lists compare
[ [ 1 2 ] "a" ] < [ [ 1 2 ] "b" ]
