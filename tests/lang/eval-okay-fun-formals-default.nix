# a formal with a default used when the argument is missing
({ a, b ? 10 }: a + b) { a = 1; }
