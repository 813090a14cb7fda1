# \t in a string is a tab and prints as \t
"a\tb"
