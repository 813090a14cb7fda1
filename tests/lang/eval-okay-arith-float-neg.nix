# negation of a float literal
-2.5
