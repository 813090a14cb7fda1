# substring with a string as the start
builtins.substring "1" 2 "abc"
