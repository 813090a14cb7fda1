# a function with formals inside a set prints as a lambda
{ f = { a, b ? 1 }: a; }
