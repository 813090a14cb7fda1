# a dollar at the end of a string is literal
"a$"
