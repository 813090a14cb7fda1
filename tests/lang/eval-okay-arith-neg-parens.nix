# unary minus of a parenthesised sum
-(2 + 3)
