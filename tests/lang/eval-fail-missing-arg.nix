# calling a function without a required formal
({ a, b }: a) { a = 1; }
