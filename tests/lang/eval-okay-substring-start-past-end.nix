# substring starting past the end is empty
builtins.substring 10 2 "abc"
