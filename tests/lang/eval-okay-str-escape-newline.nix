# \n in a string is a newline and prints as \n
"a\nb"
