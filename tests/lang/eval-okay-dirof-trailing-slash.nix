# dirOf a string ending in a slash drops only the slash
dirOf "a/b/"
