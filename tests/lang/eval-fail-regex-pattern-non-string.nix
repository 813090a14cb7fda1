# the pattern must be a string
builtins.split 1 "a"
