# \r in a string is a carriage return and prints as \r
"a\rb"
