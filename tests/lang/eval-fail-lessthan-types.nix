# builtins.lessThan on incomparable types
builtins.lessThan "a" 1
