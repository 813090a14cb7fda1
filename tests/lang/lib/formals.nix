# helper: a function with formals and a default
{ a, b ? 10 }: a + b
