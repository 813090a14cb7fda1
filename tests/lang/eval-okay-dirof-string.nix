# dirOf a string path
dirOf "a/b/c"
