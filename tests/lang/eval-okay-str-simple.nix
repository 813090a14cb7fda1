# a plain string literal
"hello"
