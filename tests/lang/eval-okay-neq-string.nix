# different strings are unequal
"abc" != "abd"
