# calling a function with an argument it does not accept
({ a }: a) { a = 1; b = 2; }
