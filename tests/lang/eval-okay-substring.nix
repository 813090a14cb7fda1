# substring takes a start and a length
builtins.substring 1 3 "abcdef"
