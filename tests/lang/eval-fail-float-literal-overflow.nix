# A float literal that overflows is rejected by the lexer (strtod reports ERANGE).
[ 1.5 1.0e400 ]
