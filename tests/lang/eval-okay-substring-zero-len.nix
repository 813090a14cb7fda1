# substring with length zero
builtins.substring 2 0 "abc"
