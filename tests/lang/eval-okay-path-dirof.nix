# dirOf a path is a path
dirOf /a/b/c
