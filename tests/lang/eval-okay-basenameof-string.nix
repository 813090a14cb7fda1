# baseNameOf a string path
baseNameOf "a/b/c.txt"
