# a real newline inside a string literal is kept
"a
b"
