# dirOf a string without slashes is "."
dirOf "abc"
