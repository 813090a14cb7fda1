# the @ name repeating a formal argument
{ a }@a: a
