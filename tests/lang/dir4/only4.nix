# search path entry two: a file only here
"only in dir4"
