# Output placeholders for a few output names.
map builtins.placeholder [ "out" "dev" "bin" "lib" "a-b" "" ]
