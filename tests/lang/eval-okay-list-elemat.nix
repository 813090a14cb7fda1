# elemAt indexes from zero
builtins.elemAt [ "a" "b" "c" ] 2
