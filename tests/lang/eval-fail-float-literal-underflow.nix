# A float literal that underflows to a subnormal number is rejected by the lexer, like strtod with ERANGE.
{ a = 4.9e-324; }
