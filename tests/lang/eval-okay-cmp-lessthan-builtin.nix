# builtins.lessThan on strings
builtins.lessThan "apple" "banana"
