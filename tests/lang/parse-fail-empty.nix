# a file with only a comment has no expression
